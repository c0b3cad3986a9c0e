import { describe, expect, it } from "vitest";
import type { ActionPayload } from "../../src/actions/action-payload.js";
import { silentLogger } from "../../src/logger.js";
import { toOwnerAccountView } from "../../src/messages/build-owner-messages.js";
import { toDecisionLineView } from "../../src/messages/to-decision-line-view.js";
import { type ActionRequest, createActionHandler } from "../../src/remediation/handle-action.js";
import { createConnectorRegistry } from "../../src/sources/connector-registry.js";
import { READ_ONLY_ROLES } from "../../src/sources/entra/simulator/generate-tenant.js";
import type {
  SimKeyCredential,
  SimPasswordCredential,
} from "../../src/sources/entra/simulator/tenant-data.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openTempDb, scan } from "../helpers/demo-source.js";
import { DAY, NOW, startTestTenant } from "../sources/entra/start-test-tenant.js";

const WRITE_ROLES = [...READ_ONLY_ROLES, "Application.ReadWrite.OwnedBy"];
const iso = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const secret = (n: number, endDays: number): SimPasswordCredential => ({
  keyId: uuid(n),
  displayName: `rotation-${n}`,
  hint: `r${n}x`,
  startDateTime: iso(endDays - 180),
  endDateTime: iso(endDays),
  secretText: `s3cr3t-value-${n}`,
});
const certificate = (n: number, endDays: number): SimKeyCredential => ({
  keyId: uuid(n),
  displayName: `CN=cert-${n}`,
  type: "AsymmetricX509Cert",
  usage: "Verify",
  startDateTime: iso(endDays - 365),
  endDateTime: iso(endDays),
  key: Buffer.from(`public certificate ${n}`).toString("base64"),
});

/**
 * The simulated tenant over HTTPS, scanned into a real SQLite file, and the action handler over
 * both. "secret-expired" gets 12 credentials of which 3 are expired (2 secrets, 1 certificate),
 * and an open credential_expired finding (the rule is declared with the other Entra rules; it is
 * seeded here when the scan did not find it).
 */
async function setup(options: { roles?: string[] } = {}) {
  const tenant = await startTestTenant();
  const client = tenant.sim.data.clients[0]!;
  client.roles = options.roles ?? WRITE_ROLES;
  const app = tenant.sim.data.applications.find((a) => a.displayName === "secret-expired")!;
  app.passwordCredentials = [
    secret(1, -40),
    secret(2, -1),
    ...Array.from({ length: 7 }, (_, i) => secret(10 + i, 30 + i * 20)),
  ];
  app.keyCredentials = [certificate(20, -5), certificate(21, 200), certificate(22, 400)];
  const expiredIds = [uuid(1), uuid(2), uuid(20)];
  const connector = tenant.connector();
  const db = openTempDb();
  const outcome = await scan(db, connector);
  const store = createSqliteStore(db);
  const handle = createActionHandler({
    store,
    connectors: createConnectorRegistry([connector]),
    now: () => NOW,
    admins: ["secops@example.com"],
    mode: "apply",
    logger: silentLogger,
  });
  const identityNamed = (name: string) => {
    const identity = outcome.inventory.identities.find((i) => i.userName === name);
    if (!identity) throw new Error(`no ${name} in the scan`);
    return identity;
  };
  const expiredApp = identityNamed("secret-expired");
  db.prepare(
    `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
       first_seen_at, last_seen_at, first_scan_id, last_scan_id)
     SELECT 'entra', ?, 'credential_expired', 'high', '3 credentials expired', '[]', 'remove_credential', ?, ?, ?, ?
      WHERE NOT EXISTS (SELECT 1 FROM findings WHERE source = 'entra' AND account_id = ?
                          AND rule = 'credential_expired' AND resolved_at IS NULL)`,
  ).run(expiredApp.id, NOW.toISOString(), NOW.toISOString(), outcome.scanId, outcome.scanId, expiredApp.id);

  /** A click as the account's message showed it (its open findings) by `email`. */
  const request = async (
    a: ActionPayload["a"],
    name: string,
    email: string,
    extra: Partial<ActionPayload> = {},
  ): Promise<ActionRequest> => {
    const identity = identityNamed(name);
    const open = await store.findings.listOpenFindings({ source: "entra", accountId: identity.id });
    return {
      actor: { platform: "teams", id: "29:alice", email },
      payload: { a, s: "entra", id: identity.id, r: open.map((f) => f.rule), ...extra },
    };
  };
  const writes = () => tenant.sim.requests.filter((r) => r.method !== "GET" && !r.path.includes("/oauth2/"));
  const audit = (event: string) =>
    db.prepare("SELECT count(*) FROM audit_log WHERE event = ?").pluck().get(event) as number;
  const remaining = () => [...app.passwordCredentials, ...app.keyCredentials].map((c) => c.keyId);
  return {
    tenant,
    db,
    store,
    handle,
    app,
    expiredApp,
    expiredIds,
    identityNamed,
    request,
    writes,
    audit,
    remaining,
  };
}

describe("Entra actions through the action handler (simulated tenant over HTTPS, real SQLite)", () => {
  it("disables a service principal and undoes it: accountEnabled false then true, recorded before and after", async () => {
    const t = await setup();
    const sp = t.tenant.sim.data.servicePrincipals.find((s) => s.displayName === "legacy-reporting")!;
    const done = await t.handle(await t.request("disable", "legacy-reporting", "bob@example.com"));
    expect(done.status).toBe("done");
    if (done.status !== "done") return;
    expect(sp.accountEnabled).toBe(false);
    expect(done.decision).toMatchObject({
      action: "disable",
      outcome: "applied",
      actorEmail: "bob@example.com",
      before: { accountEnabled: true, expiredCredentials: "none" },
      after: { accountEnabled: false, expiredCredentials: "none" },
    });
    expect(toDecisionLineView(done.decision).undoUntil).toBeDefined();
    expect(t.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /v1.0/servicePrincipals/${sp.id}`,
    ]);

    const undone = await t.handle(
      await t.request("undo", "legacy-reporting", "bob@example.com", { d: done.decision.id }),
    );
    expect(undone.status).toBe("done");
    if (undone.status !== "done") return;
    expect(sp.accountEnabled).toBe(true);
    expect(undone.decision).toMatchObject({
      action: "undo",
      outcome: "applied",
      undoesDecisionId: done.decision.id,
      before: { accountEnabled: false },
      after: { accountEnabled: true },
    });
    expect(t.audit("decision.applied")).toBe(2);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  it("removes only the 3 expired of 12 credentials, once, records what went, and offers no Undo", async () => {
    const t = await setup();
    const kept = t.remaining().filter((id) => !t.expiredIds.includes(id));
    const keysBefore = new Map(t.app.keyCredentials.map((k) => [k.keyId, k.key]));
    const result = await t.handle(
      await t.request("remove_expired_credential", "secret-expired", "alice@example.com"),
    );
    expect(result.status).toBe("done");
    if (result.status !== "done") return;
    expect(t.remaining()).toEqual(kept);
    expect(t.remaining()).toHaveLength(9);
    // The certificates kept are the same certificates (their public data sent back unchanged).
    for (const k of t.app.keyCredentials) expect(k.key).toBe(keysBefore.get(k.keyId));
    expect(t.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /v1.0/applications/${t.app.id}/removePassword`,
      `POST /v1.0/applications/${t.app.id}/removePassword`,
      `PATCH /v1.0/applications/${t.app.id}`,
    ]);
    const { decision } = result;
    expect(decision).toMatchObject({ action: "remove_expired_credential", outcome: "applied" });
    const before = String(decision.before?.expiredCredentials);
    for (const id of t.expiredIds) expect(before).toContain(id);
    for (const id of kept) expect(before).not.toContain(id);
    expect(before).toContain("hint r1x…");
    expect(before).toContain(`ended ${iso(-40).slice(0, 10)}`);
    expect(decision.after?.expiredCredentials).toBe("none");
    // Never a secret, nor a certificate's key, in what is recorded.
    const recorded = JSON.stringify([decision, t.db.prepare("SELECT * FROM audit_log").all()]);
    expect(recorded).not.toContain("s3cr3t");
    expect(recorded).not.toContain(Buffer.from("public certificate 21").toString("base64"));
    expect(toDecisionLineView(decision).undoUntil).toBeUndefined();
    expect(t.audit("decision.applied")).toBe(1);

    // A second click is the same decision, not a second write.
    const again = await t.handle(
      await t.request("remove_expired_credential", "secret-expired", "alice@example.com"),
    );
    expect(again.status).toBe("duplicate");
    // And nothing undoes a removal.
    const undo = await t.handle(
      await t.request("undo", "secret-expired", "alice@example.com", { d: decision.id }),
    );
    expect(undo.status).toBe("invalid");
    expect(t.writes()).toHaveLength(3);
    expect(t.remaining()).toEqual(kept);
  });

  it("leaves a credential renewed since the scan, and writes nothing once none is expired", async () => {
    const t = await setup();
    // Renewed after the message was sent: no longer expired at the re-read.
    t.app.passwordCredentials[0]!.endDateTime = iso(90);
    const result = await t.handle(
      await t.request("remove_expired_credential", "secret-expired", "alice@example.com"),
    );
    expect(result.status).toBe("done");
    expect(t.remaining()).toContain(uuid(1));
    expect(t.remaining()).not.toContain(uuid(2));
    expect(t.remaining()).not.toContain(uuid(20));
    expect(t.remaining()).toHaveLength(10);

    const other = await setup();
    other.app.passwordCredentials = other.app.passwordCredentials.filter((c) => c.endDateTime > iso(0));
    other.app.keyCredentials = other.app.keyCredentials.filter((c) => c.endDateTime > iso(0));
    const none = await other.handle(
      await other.request("remove_expired_credential", "secret-expired", "alice@example.com"),
    );
    expect(none.status).toBe("done");
    if (none.status !== "done") return;
    expect(none.decision.outcome).toBe("already");
    expect(none.notice).toContain("no credential was expired any more; nothing was written");
    expect(other.writes()).toEqual([]);
  });

  it("records a 403 from Graph as a failure that names the missing permission, and changes nothing", async () => {
    const t = await setup({ roles: READ_ONLY_ROLES });
    const before = t.remaining();
    const result = await t.handle(
      await t.request("remove_expired_credential", "secret-expired", "alice@example.com"),
    );
    expect(result.status).toBe("failed");
    if (result.status !== "failed") return;
    expect(result.decision.outcome).toBe("failed");
    expect(result.decision.error).toContain("403 Authorization_RequestDenied");
    expect(result.decision.error).toContain("Application.ReadWrite.OwnedBy");
    expect(result.notice).toContain("Application.ReadWrite.OwnedBy");
    expect(t.remaining()).toEqual(before);
    expect(t.writes().map((w) => w.status)).toEqual([403]);
    expect(t.audit("decision.failed")).toBe(1);
  });

  it("offers Entra accounts no Restrict, and Remove expired credential only with that finding", async () => {
    const t = await setup();
    const open = await t.store.findings.listOpenFindings({ source: "entra", accountId: t.expiredApp.id });
    const view = toOwnerAccountView(t.expiredApp, open);
    expect(view.sourceKind).toBe("entra");
    expect(view.actions).toContain("remove_expired_credential");
    expect(view.actions).not.toContain("restrict");
    const other = t.identityNamed("legacy-reporting");
    const otherView = toOwnerAccountView(
      other,
      await t.store.findings.listOpenFindings({ source: "entra", accountId: other.id }),
    );
    expect(otherView.actions).not.toContain("restrict");
    expect(otherView.actions).not.toContain("remove_expired_credential");
    // A crafted Restrict click writes nothing: Entra has no such write.
    const crafted = await t.handle(await t.request("restrict", "legacy-reporting", "bob@example.com"));
    expect(crafted.status).toBe("failed");
    expect(t.writes()).toEqual([]);
  });
});
