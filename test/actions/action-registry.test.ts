import { describe, expect, it } from "vitest";
import { decodeActionPayload, encodeActionPayload } from "../../src/actions/action-payload.js";
import {
  ACTION_IDS,
  ACTIONS,
  actionById,
  actionOf,
  buttonsFor,
  isReversible,
  offeredActions,
  recommendedActionOf,
} from "../../src/actions/action-registry.js";
import { assignOwnerControl } from "../../src/actions/assign-owner.js";
import { BLOCK_KIT_LIMITS as L } from "../../src/adapters/slack/render/block-kit-limits.js";
import { intentOfAction } from "../../src/remediation/account-change.js";

const NAME_60 = "x".repeat(60);

describe("the action registry", () => {
  it("keeps the Slack action_ids / Teams verbs that messages already sent carry", () => {
    // These values are in stored messages: changing one would break every button already sent.
    expect(ACTION_IDS).toEqual({
      certify: "warden_certify",
      remove_expired_credential: "warden_remove_expired_credential",
      remove_privileged_role: "warden_remove_privileged_role",
      block_basic_auth: "warden_block_basic_auth",
      disable: "warden_disable",
      restrict: "warden_restrict",
      keep: "warden_keep",
      not_mine: "warden_not_mine",
      undo: "warden_undo",
    });
    expect(assignOwnerControl.id).toBe("warden_assign_owner");
  });

  it("gives every action a unique kind and id, and finds each by its id", () => {
    const ids = [...ACTIONS.map((a) => a.id), assignOwnerControl.id];
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ACTIONS.map((a) => a.kind)).size).toBe(ACTIONS.length);
    for (const action of ACTIONS) {
      expect(actionById(action.id)?.kind).toBe(action.kind);
      expect(actionOf(action.kind)).toBe(action);
    }
    expect(actionById("warden_disable_all")).toBeUndefined();
  });

  it("gives every action what Slack and Teams render: a title, its words, a confirmation within Slack's limits", () => {
    for (const action of ACTIONS.map((a) => actionOf(a.kind))) {
      expect(action.id.length, action.kind).toBeLessThanOrEqual(L.actionId);
      expect(action.title.trim().length, action.kind).toBeGreaterThan(0);
      expect(action.title.length, action.kind).toBeLessThanOrEqual(L.confirmButton);
      for (const words of [action.done, action.wouldHave, action.failed]) {
        expect(words.trim().length, action.kind).toBeGreaterThan(0);
      }
      for (const sourceKind of ["servicenow", "entra"] as const) {
        if (!action.confirm) break;
        const text = action.confirm(NAME_60, { sourceKind });
        expect(text, action.kind).toContain(NAME_60);
        expect(text.length, `${action.kind} ${sourceKind}`).toBeLessThanOrEqual(L.confirmText);
        expect(`${action.title} ${NAME_60}?`.length).toBeLessThanOrEqual(L.confirmTitle);
      }
    }
  });

  it("asks before the actions that write, asks Keep's reason, and marks the destructive ones as dangerous", () => {
    const confirmed = ACTIONS.filter((a) => actionOf(a.kind).confirm).map((a) => a.kind);
    expect(confirmed).toEqual([
      "remove_expired_credential",
      "remove_privileged_role",
      "block_basic_auth",
      "disable",
      "restrict",
    ]);
    // Keep asks why and for how long; Still needed (access reviews) asks what still uses the account.
    expect(ACTIONS.filter((a) => actionOf(a.kind).asksReason).map((a) => a.kind)).toEqual([
      "certify",
      "keep",
    ]);
    expect(
      ACTIONS.filter((a) => actionOf(a.kind).style).map((a) => [a.kind, actionOf(a.kind).style]),
    ).toEqual([
      ["remove_expired_credential", "danger"],
      ["remove_privileged_role", "danger"],
      ["block_basic_auth", "danger"],
      ["disable", "danger"],
    ]);
  });

  it("words Disable's confirmation for the account's source, ServiceNow's as before", () => {
    const disable = actionOf("disable");
    expect(disable.confirm?.("svc_x", {})).toBe(
      "svc_x will be set inactive and locked out in ServiceNow: every integration using it stops working. You can undo it for 24 hours.",
    );
    expect(disable.confirm?.("svc_x", { sourceKind: "servicenow" })).toBe(disable.confirm?.("svc_x", {}));
    const entra = disable.confirm?.("payroll-sync", { sourceKind: "entra" }) ?? "";
    expect(entra).toContain("The service principal payroll-sync will be disabled (accountEnabled false)");
    expect(entra).toContain("sign-ins with its credentials stop");
    expect(entra).not.toContain("ServiceNow");
  });

  it("offers Remove expired credential only with an open credential_expired finding, and says it cannot be undone", () => {
    const entra = { sourceKind: "entra" as const, canLogIntoUi: false };
    expect(
      offeredActions({ ...entra, findings: [{ rule: "credential_expired" }, { rule: "no_owner" }] }),
    ).toEqual(["remove_expired_credential", "disable", "keep", "not_mine"]);
    expect(offeredActions({ ...entra, findings: [{ rule: "credential_expiring" }] })).toEqual([
      "disable",
      "keep",
      "not_mine",
    ]);
    const remove = actionOf("remove_expired_credential");
    expect(remove.reversible).toBe(false);
    expect(remove.confirm?.("payroll-sync", entra)).toContain("cannot be undone");
    expect(intentOfAction("remove_expired_credential")).toEqual({ kind: "remove_expired_credentials" });
  });

  it("offers Restrict only to an account that is not web-service-only already, and Undo never as a button", () => {
    const findings = [{ rule: "dormant" }];
    expect(offeredActions({ canLogIntoUi: true, findings })).toEqual([
      "disable",
      "restrict",
      "keep",
      "not_mine",
    ]);
    expect(offeredActions({ canLogIntoUi: false, findings })).toEqual(["disable", "keep", "not_mine"]);
    // An Entra service principal has no UI login to take away.
    expect(offeredActions({ sourceKind: "entra", canLogIntoUi: false, findings })).not.toContain("restrict");
  });

  it("offers Remove privileged role on a ServiceNow account with a privileged finding, never on Entra", () => {
    const findings = [{ rule: "privileged" }];
    expect(offeredActions({ canLogIntoUi: false, findings })).toEqual([
      "remove_privileged_role",
      "disable",
      "keep",
      "not_mine",
    ]);
    expect(offeredActions({ sourceKind: "entra", canLogIntoUi: false, findings })).not.toContain(
      "remove_privileged_role",
    );
    // Block Basic auth only where the decision blocks: the restriction lets WSAO accounts through.
    const basic = [{ rule: "basic_auth" }];
    expect(offeredActions({ canLogIntoUi: false, findings: basic })).not.toContain("block_basic_auth");
    expect(offeredActions({ canLogIntoUi: true, findings: basic })).toContain("block_basic_auth");
  });

  it("names the account's recommended fix: the first finding an offered button carries out", () => {
    const account = (findings: { remediation: string; severity?: string }[], actions: string[]) => ({
      findings,
      actions,
    });
    expect(
      recommendedActionOf(
        account(
          [{ remediation: "reduce_roles" }, { remediation: "disable" }],
          ["remove_privileged_role", "disable", "keep"],
        ),
      ),
    ).toBe("remove_privileged_role");
    expect(
      recommendedActionOf(
        account(
          [{ remediation: "assign_owner" }, { remediation: "split_or_restrict" }],
          ["disable", "restrict", "keep"],
        ),
      ),
    ).toBe("restrict");
    // The riskiest finding decides, whatever order the findings come in.
    expect(
      recommendedActionOf(
        account(
          [
            { remediation: "restrict", severity: "high" },
            { remediation: "reduce_roles", severity: "critical" },
          ],
          ["remove_privileged_role", "disable", "restrict", "keep"],
        ),
      ),
    ).toBe("remove_privileged_role");
    // Move to OAuth with no Block Basic auth button offered: nothing to recommend among the buttons.
    expect(recommendedActionOf(account([{ remediation: "move_to_oauth" }], ["disable", "keep"]))).toBe(
      undefined,
    );
  });

  it("renders a message's actions in button order, leaving out a kind no action declares", () => {
    const kinds = buttonsFor({ actions: ["not_mine", "retired_action", "keep", "disable"] }).map(
      (a) => a.kind,
    );
    expect(kinds).toEqual(["disable", "keep", "not_mine"]);
  });

  it("lets exactly the actions that ask the source for a fixed intent be undone", () => {
    for (const action of ACTIONS) {
      const change = intentOfAction(action.kind);
      expect(isReversible(action.kind), action.kind).toBe(
        ["disable", "restrict", "remove_privileged_role", "block_basic_auth"].includes(action.kind),
      );
      // A reversible action must ask for a known intent, or Undo would not know what to put back.
      if (isReversible(action.kind)) expect(change, action.kind).toBeDefined();
    }
    expect(intentOfAction("disable")).toEqual({ kind: "disable" });
    expect(intentOfAction("restrict")).toEqual({ kind: "restrict_to_api" });
    expect(intentOfAction("remove_privileged_role")).toEqual({ kind: "remove_privileged_roles" });
    expect(intentOfAction("block_basic_auth")).toEqual({ kind: "block_basic_auth" });
    expect(intentOfAction("keep")).toBeUndefined();
    expect(intentOfAction("undo")).toBeUndefined();
    expect(isReversible("assign_owner")).toBe(false);
  });

  it("carries every action through a button value and back; an unknown action is refused", () => {
    for (const action of ACTIONS) {
      const payload = { a: action.kind, s: "servicenow", id: "abc", r: [] };
      expect(decodeActionPayload(encodeActionPayload(payload))).toMatchObject(payload);
    }
    expect(
      decodeActionPayload(JSON.stringify({ a: "assign_owner", s: "servicenow", id: "abc", r: [] })),
    ).toBe(undefined);
  });
});
