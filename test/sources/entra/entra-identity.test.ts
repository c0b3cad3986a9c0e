import { describe, expect, it } from "vitest";
import {
  canAuthenticate,
  canLogIntoUi,
  describeState,
  sourceHasUiLogins,
} from "../../../src/core/identity-questions.js";
import { identityFromJson, identityToJson } from "../../../src/store/accounts.js";
import { NOW, startTestTenant } from "./start-test-tenant.js";

describe("an Entra identity outside the connector", () => {
  it("survives the store's snapshot with its dates intact", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory({ now: NOW, dormantDays: 90 });
    const legacy = inventory.identities.find((i) => i.name === "legacy-reporting");
    if (!legacy) throw new Error("no legacy-reporting");
    const back = identityFromJson(identityToJson(legacy));
    expect(back).toEqual(legacy);
    expect(back.credentials?.[0]?.expiresAt).toBeInstanceOf(Date);
    expect(back.credentials?.[0]?.lastUsedAt).toBeInstanceOf(Date);
    expect(back.attributes.kind === "entra" && back.attributes.lastSignInAt).toBeInstanceOf(Date);
  });

  it("answers the neutral questions: enabled service principals authenticate, none log into a UI", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory({ now: NOW, dormantDays: 90 });
    const payroll = inventory.identities.find((i) => i.name === "payroll-sync");
    const retired = inventory.identities.find((i) => i.name === "retired-app");
    if (!payroll || !retired) throw new Error("missing apps");
    expect(canAuthenticate(payroll)).toBe(true);
    expect(canAuthenticate(retired)).toBe(false);
    expect(canLogIntoUi(payroll)).toBe(false);
    expect(sourceHasUiLogins(payroll)).toBe(false);
    expect(describeState(payroll)).toEqual(["active"]);
    expect(describeState(retired)).toEqual(["inactive"]);
    expect(
      describeState({
        ...payroll,
        attributes: {
          ...payroll.attributes,
          servicePrincipalType: "ManagedIdentity",
        } as typeof payroll.attributes,
      }),
    ).toEqual(["active", "managed identity"]);
  });
});
