import { describe, expect, it } from "vitest";
import type { MachineIdentity } from "../../../src/core/model.js";
import type { SimRecord } from "../../../src/sources/servicenow/simulator/instance-data.js";
import { openTempDb, scan, startDemoSource } from "../../helpers/demo-source.js";

/** Owners read inside the accounts' own pages: no request of their own, same facts as before. */
describe("owners dot-walked inside the account pages", () => {
  async function scanned(change?: (users: SimRecord[], byName: (n: string) => SimRecord) => void) {
    const demo = await startDemoSource();
    const users = demo.sim.data.tables.get("sys_user")!.rows;
    const byName = (name: string) => {
      const row = users.find((r) => r.user_name === name);
      if (!row) throw new Error(`no user ${name}`);
      return row;
    };
    change?.(users, byName);
    const outcome = await scan(openTempDb(), demo.connector);
    const identity = (name: string) =>
      outcome.inventory.identities.find((i) => i.userName === name) as MachineIdentity;
    const rules = (name: string) => (outcome.findings.get(identity(name).id) ?? []).map((f) => f.rule);
    return { ...demo, users, byName, outcome, identity, rules };
  }

  it("reads every owner from the manager fields of the account's own record, with no owner lookups", async () => {
    const { sim, users, outcome } = await scanned();
    const row = new Map(users.map((r) => [r.sys_id, r]));
    const owned = outcome.inventory.identities.filter((i) => i.ownerRef && row.has(i.ownerRef));
    expect(owned.length).toBeGreaterThan(10);
    for (const identity of owned) {
      const manager = row.get(identity.ownerRef)!;
      expect(identity.owner, identity.userName).toEqual({
        id: manager.sys_id,
        userName: manager.user_name,
        name: manager.name,
        email: manager.email || undefined,
        active: manager.active === "true" && manager.locked_out !== "true",
      });
    }
    const userLists = sim.requests.filter((r) => r.path === "/api/now/table/sys_user");
    for (const request of userLists) {
      expect(request.query.sysparm_fields).toContain("manager.email");
      expect(request.query.sysparm_fields).toContain("manager.active");
    }
    // The owners' sys_ids are never sent: nothing asks for them by id.
    const identityIds = new Set(outcome.inventory.identities.map((i) => i.id));
    const asked = userLists.map((r) => String(r.query.sysparm_query ?? "")).join(" ");
    for (const { ownerRef } of owned) if (!identityIds.has(ownerRef!)) expect(asked).not.toContain(ownerRef);
  });

  it("judges an owner inactive from the dot-walked active and locked_out fields", async () => {
    const { identity, rules } = await scanned((users, byName) => {
      const ref = byName("svc_reporting_etl").manager;
      const owner = users.find((r) => r.sys_id === ref);
      if (!owner) throw new Error("svc_reporting_etl has no owner in the demo data");
      owner.locked_out = "true";
    });
    expect(identity("svc_reporting_etl").owner?.active).toBe(false);
    expect(rules("svc_reporting_etl")).toContain("no_owner");
    // The demo's inactive owner (active=false) is still seen as such.
    expect(identity("svc_old_integration").owner).toMatchObject({ userName: "tom.becker", active: false });
    expect(rules("svc_old_integration")).toContain("no_owner");
  });

  it("treats a manager reference to a deleted user as no owner, keeping the reference", async () => {
    const ghost = "0123456789abcdef0123456789abcdef";
    const { identity, rules } = await scanned((_, byName) => {
      byName("svc_reporting_etl").manager = ghost;
    });
    expect(identity("svc_reporting_etl").ownerRef).toBe(ghost);
    expect(identity("svc_reporting_etl").owner).toBeUndefined();
    expect(rules("svc_reporting_etl")).toContain("no_owner");
  });

  it("sees no owner where an ACL hides the owner's record or its email", async () => {
    const hiddenOwner = await scanned();
    const ownerId = hiddenOwner.identity("svc_reporting_etl").ownerRef!;
    expect(hiddenOwner.rules("svc_reporting_etl")).not.toContain("no_owner");
    hiddenOwner.sim.faults.hideRows("sys_user", (r) => r.sys_id === ownerId);
    const again = await scan(openTempDb(), hiddenOwner.connector);
    const account = again.inventory.identities.find((i) => i.userName === "svc_reporting_etl")!;
    expect(account.owner).toBeUndefined();
    expect(again.findings.get(account.id)?.map((f) => f.rule)).toContain("no_owner");

    hiddenOwner.sim.faults.reset();
    hiddenOwner.sim.faults.hideFields("sys_user", "email");
    const noEmail = await scan(openTempDb(), hiddenOwner.connector);
    const same = noEmail.inventory.identities.find((i) => i.userName === "svc_reporting_etl")!;
    expect(same.owner).toMatchObject({ id: ownerId, email: undefined });
    expect(noEmail.findings.get(same.id)?.map((f) => f.rule)).toContain("no_owner");
  });
});
