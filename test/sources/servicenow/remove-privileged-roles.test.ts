import { describe, expect, it } from "vitest";
import { undoIntent } from "../../../src/remediation/account-change.js";
import { applyAccountChange } from "../../../src/remediation/apply-account-change.js";
import { generateInstance } from "../../../src/sources/servicenow/simulator/generate-instance.js";
import { insertRow } from "../../../src/sources/servicenow/simulator/instance-data.js";
import { NOW, startDemoSource } from "../../helpers/demo-source.js";
import { grantThroughGroup, heldRoles } from "../../helpers/group-grant.js";

const ACCOUNT = "svc_automation_admin";

async function setup() {
  const data = generateInstance({ now: NOW, seed: 1 });
  grantThroughGroup(data, ACCOUNT, "security_admin", "Platform Admins");
  const source = await startDemoSource({ data });
  return { ...source, id: source.idOf(ACCOUNT) };
}

describe("Remove privileged role on ServiceNow (over the Table API)", () => {
  it("deletes only the directly granted privileged rows, records them, and Undo grants them again", async () => {
    const t = await setup();
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({
      direct: ["admin", "itil"],
      inherited: ["security_admin"],
    });

    const removed = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );

    expect(removed.outcome).toBe("applied");
    // itil is not privileged and security_admin comes from the group: both stay.
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({ direct: ["itil"], inherited: ["security_admin"] });
    const deletes = t.sim.requests.filter((r) => r.method === "DELETE");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ status: 204 });
    expect(deletes[0]?.path).toMatch(/^\/api\/now\/table\/sys_user_has_role\/[0-9a-f]{32}$/);
    expect(JSON.parse(String(removed.before?.directPrivilegedRoles))).toEqual([
      { role: "admin", roleId: expect.any(String) },
    ]);
    expect(removed.after?.directPrivilegedRoles).toBe("[]");
    expect(JSON.parse(String(removed.after?.inheritedPrivilegedRoles))).toEqual([
      { role: "security_admin", group: "Platform Admins" },
    ]);

    const undo = undoIntent(t.connector, {
      action: "remove_privileged_role",
      before: removed.before,
      after: removed.after,
    });
    expect(undo).toBeDefined();
    const restored = await applyAccountChange(t.connector, t.id, undo!.intent, {
      dryRun: false,
      requires: undo!.requires,
      recordBefore: async () => {},
    });

    expect(restored.outcome).toBe("applied");
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({
      direct: ["admin", "itil"],
      inherited: ["security_admin"],
    });
    const posts = t.sim.requests.filter((r) => r.method === "POST" && r.path.endsWith("/sys_user_has_role"));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ status: 201 });
    expect(restored.after?.directPrivilegedRoles).toBe(removed.before?.directPrivilegedRoles);
  });

  it("answers 'already' without a write when only inherited privileged roles are left", async () => {
    const t = await setup();
    const first = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );
    expect(first.outcome).toBe("applied");
    t.sim.requests.length = 0;
    const second = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );
    expect(second.outcome).toBe("already");
    expect(t.sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(heldRoles(t.sim.data, ACCOUNT).inherited).toEqual(["security_admin"]);
  });

  it("refuses the Undo when someone granted a privileged role directly again since", async () => {
    const t = await setup();
    const removed = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );
    // Someone grants admin again by hand in ServiceNow.
    const admin = t.sim.data.tables.get("sys_user_role")?.rows.find((r) => r.name === "admin");
    await t.connector.apply(t.id, {
      kind: "restore",
      values: { directPrivilegedRoles: JSON.stringify([{ role: "admin", roleId: admin?.sys_id }]) },
    });
    const undo = undoIntent(t.connector, {
      action: "remove_privileged_role",
      before: removed.before,
      after: removed.after,
    });
    const restored = await applyAccountChange(t.connector, t.id, undo!.intent, {
      dryRun: false,
      requires: undo!.requires,
      recordBefore: async () => {},
    });
    expect(restored.outcome).toBe("failed");
    expect(restored.error).toMatch(/changed in the source since/);
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toEqual(["admin", "itil"]);
  });

  it("still disables an account whose roles warden may not read; removing them then fails and says why", async () => {
    const t = await setup();
    t.sim.faults.forbiddenTables.add("sys_user_has_role");
    const removed = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );
    expect(removed.outcome).toBe("failed");
    expect(removed.error).toMatch(/403|Insufficient rights|role/i);
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toEqual(["admin", "itil"]);
    const disabled = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "disable" },
      {
        dryRun: false,
        recordBefore: async () => {},
      },
    );
    expect(disabled.outcome).toBe("applied");
    expect(disabled.before).toMatchObject({ active: true, directPrivilegedRoles: null });
  });
  it("grants back the roles it removed when a later delete is refused, so a failed decision leaves them as they were", async () => {
    const data = generateInstance({ now: NOW, seed: 1 });
    const user = data.tables.get("sys_user")!.rows.find((r) => r.user_name === ACCOUNT)!;
    const role = data.tables.get("sys_user_role")!.rows.find((r) => r.name === "security_admin")!;
    // A second direct privileged grant; deletes go in role-name order, so admin goes first.
    const second = "f".repeat(32);
    insertRow(data.tables.get("sys_user_has_role")!, {
      sys_id: second,
      user: user.sys_id ?? "",
      role: role.sys_id ?? "",
      inherited: "false",
      granted_by: "",
    });
    const t = await startDemoSource({ data });
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toEqual(["admin", "itil", "security_admin"]);
    t.sim.faults.script({ response: 403, method: "DELETE", path: second });

    const removed = await applyAccountChange(
      t.connector,
      t.idOf(ACCOUNT),
      { kind: "remove_privileged_roles" },
      { dryRun: false, recordBefore: async () => {} },
    );
    expect(removed.outcome).toBe("failed");
    expect(t.sim.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([204, 403]);
    // admin was deleted, then granted back when security_admin's delete was refused.
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toEqual(["admin", "itil", "security_admin"]);
  });

  it("removes nothing while a row does not say whether it is inherited (an ACL hides the field), and says so", async () => {
    const data = generateInstance({ now: NOW, seed: 1 });
    const user = data.tables.get("sys_user")!.rows.find((r) => r.user_name === ACCOUNT)!;
    const admin = data.tables.get("sys_user_role")!.rows.find((r) => r.name === "admin")!;
    const row = data.tables
      .get("sys_user_has_role")!
      .rows.find((r) => r.user === user.sys_id && r.role === admin.sys_id)!;
    // The field is missing from the row, as when the instance's ACL leaves it out of the answer.
    delete row.inherited;
    const t = await startDemoSource({ data });

    const state = await t.connector.readAccount(t.idOf(ACCOUNT));
    // Not "none granted directly": that would be a guess.
    expect(state?.values.directPrivilegedRoles).toBeNull();
    const removed = await applyAccountChange(
      t.connector,
      t.idOf(ACCOUNT),
      { kind: "remove_privileged_roles" },
      { dryRun: false, recordBefore: async () => {} },
    );
    expect(removed.outcome).toBe("failed");
    expect(removed.error).toMatch(
      /does not show whether admin is granted directly or through a group .*warden removed nothing/,
    );
    expect(t.sim.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(t.sim.data.tables.get("sys_user_has_role")!.rows).toContain(row);
  });

  it("says why an Undo cannot grant admin back when ServiceNow refuses it (only an admin may grant admin)", async () => {
    const t = await setup();
    const removed = await applyAccountChange(
      t.connector,
      t.id,
      { kind: "remove_privileged_roles" },
      { dryRun: false, recordBefore: async () => {} },
    );
    expect(removed.outcome).toBe("applied");
    // warden's account is a user_admin, not an admin: the instance refuses to grant admin.
    t.sim.faults.script({ response: 403, method: "POST", table: "sys_user_has_role" });
    const undo = undoIntent(t.connector, {
      action: "remove_privileged_role",
      before: removed.before,
      after: removed.after,
    });
    const restored = await applyAccountChange(t.connector, t.id, undo!.intent, {
      dryRun: false,
      requires: undo!.requires,
      recordBefore: async () => {},
    });
    expect(restored.outcome).toBe("failed");
    expect(restored.error).toMatch(
      /ServiceNow refused to grant admin again: only an admin may grant admin.*grant it in ServiceNow/,
    );
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toEqual(["itil"]);
  });
});
