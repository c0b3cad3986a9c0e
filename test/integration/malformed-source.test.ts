import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createHttpApp } from "../../src/app/create-http-app.js";
import { SourceError } from "../../src/errors.js";
import { buildDigest } from "../../src/messages/build-digest.js";
import type {
  MalformedAnswerFault,
  ScriptedFault,
} from "../../src/sources/servicenow/simulator/simulator-faults.js";
import { listScanAccounts } from "../../src/store/accounts.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { listOpenFindings } from "../../src/store/findings.js";
import { listScans } from "../../src/store/scans.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

type Db = ReturnType<typeof openTempDb>;

/** Everything a later scan could change, read back from the database. */
async function results(db: Db, scanId: number) {
  return {
    openFindings: listOpenFindings(db),
    findings: db.prepare("SELECT * FROM findings ORDER BY id").all(),
    accounts: db.prepare("SELECT * FROM accounts ORDER BY source, id").all(),
    population: listScanAccounts(db, scanId).map((a) => a.identity.id),
    score: listScans(db, { status: "succeeded", limit: 1 })[0]?.score,
    digestScore: (await buildDigest(createSqliteStore(db), { now: NOW })).score,
  };
}

/** /readyz of a real HTTP app on the database, as `warden serve` answers it. */
async function readyz(db: Db): Promise<{ status: number; body: Record<string, unknown> }> {
  const server = createHttpApp({ store: createSqliteStore(db), now: () => NOW }).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Case {
  name: string;
  malform?: MalformedAnswerFault;
  script?: ScriptedFault;
  code: string;
  /** What the error message must say: the table, the page and what was wrong. */
  says: (string | RegExp)[];
}

const ANY_SYS_ID = /[0-9a-f]{32}/;
const cases: Case[] = [
  {
    name: "a sys_user page whose result is an object",
    malform: { table: "sys_user", answer: { kind: "result", value: { sys_id: "0".repeat(32) } } },
    code: "E_SOURCE_MALFORMED",
    says: ['page 1 of sys_user is malformed: "result" is an object, not an array of records'],
  },
  {
    name: "a sys_user_role page whose result is a string",
    malform: { table: "sys_user_role", answer: { kind: "result", value: "no roles" } },
    code: "E_SOURCE_MALFORMED",
    says: ['page 1 of sys_user_role is malformed: "result" is the string "no roles", not an array'],
  },
  {
    name: "a sys_user page whose result is null",
    malform: { table: "sys_user", answer: { kind: "result", value: null } },
    code: "E_SOURCE_MALFORMED",
    says: ['page 1 of sys_user is malformed: "result" is null, not an array of records'],
  },
  {
    name: "a sys_user page without result",
    malform: { table: "sys_user", answer: { kind: "no-result" } },
    code: "E_SOURCE_MALFORMED",
    says: ['page 1 of sys_user is malformed: the answer has no "result" member'],
  },
  {
    name: "a numeric sys_id",
    malform: { table: "sys_user", answer: { kind: "sys-id", value: 12345 } },
    code: "E_SOURCE_MALFORMED",
    says: ["page 1 of sys_user is malformed: record 1 of 5 has a sys_id that is the number 12345"],
  },
  {
    name: "an empty sys_id on a role row",
    malform: { table: "sys_user_role", answer: { kind: "sys-id", value: "" } },
    code: "E_SOURCE_MALFORMED",
    says: ["page 1 of sys_user_role is malformed: record 1 of", "has a sys_id that is an empty string"],
  },
  {
    name: "a sys_id that is an object",
    malform: { table: "sys_user", answer: { kind: "sys-id", value: { value: "0".repeat(32) } } },
    code: "E_SOURCE_MALFORMED",
    says: ["record 1 of 5 has a sys_id that is an object, not 32 hexadecimal characters"],
  },
  {
    name: 'a sys_id "../x"',
    malform: { table: "sys_user", answer: { kind: "sys-id", value: "../x" } },
    code: "E_SOURCE_MALFORMED",
    says: ['record 1 of 5 has a sys_id that is the string "../x", not 32 hexadecimal characters'],
  },
  {
    name: "an endless run of empty pages with a next link",
    malform: { table: "sys_user", answer: { kind: "empty-pages" } },
    code: "E_SOURCE_MALFORMED",
    says: ["page 11 of sys_user is malformed: 11 empty pages in a row while X-Total-Count still claims"],
  },
  {
    name: "the same page again, whatever the cursor",
    malform: { table: "sys_user", answer: { kind: "repeat-page" } },
    code: "E_SOURCE_MALFORMED",
    says: [
      /page 2 of sys_user \(rows after sys_id [0-9a-f]{32}\) is malformed: record 1 of 5 \(sys_id [0-9a-f]{32}\) is not after the cursor/,
      ANY_SYS_ID,
    ],
  },
  {
    name: "REST statistics whose result is null",
    malform: {
      table: "syslog_transaction",
      path: "/api/now/stats/",
      answer: { kind: "result", value: null },
    },
    code: "E_SOURCE_MALFORMED",
    says: ['the syslog_transaction statistics are malformed: "result" is null, not an array or object'],
  },
  {
    name: "a 429 asking to wait an hour (seconds)",
    script: { response: 429, retryAfterSeconds: 3600, table: "sys_user_has_role" },
    code: "E_SOURCE_RETRY_TOO_LONG",
    says: ["/api/now/stats/sys_user_has_role failed: 429", "asked to wait 3600 s", "(120 s)"],
  },
  {
    name: "a 503 asking to wait until tomorrow (HTTP date)",
    script: {
      response: 503,
      retryAfter: new Date(NOW.getTime() + 86_400_000).toUTCString(),
      path: "/api/now/stats/",
    },
    code: "E_SOURCE_RETRY_TOO_LONG",
    says: [`asked to wait until ${new Date(NOW.getTime() + 86_400_000).toISOString()} (86400 s from now)`],
  },
];

describe("a malformed answer fails the scan loudly and the previous results stay in force", () => {
  it.each(cases)("$name", async ({ malform, script, code, says }) => {
    const { sim, connector } = await startDemoSource({ pageSize: 5 });
    const db = openTempDb();
    const good = await scan(db, connector);
    expect(good.findings.size).toBeGreaterThan(0);
    expect(good.changes.resolved).toBe(0);
    const before = await results(db, good.scanId);
    expect(before.openFindings.length).toBeGreaterThan(0);
    expect(before.population.length).toBe(good.inventory.identities.length);

    if (malform) sim.faults.malform(malform);
    if (script) sim.faults.script(script);
    const error = await scan(db, connector, new Date(NOW.getTime() + 3_600_000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    const failure = error as SourceError;
    expect(failure.code).toBe(code);
    for (const part of says) {
      if (typeof part === "string") expect(failure.message).toContain(part);
      else expect(failure.message).toMatch(part);
    }
    expect(failure.message.split("\n")).toHaveLength(1);

    // Nothing resolved, no account gone, the same score, in the database and in the digest.
    expect(await results(db, good.scanId)).toEqual(before);
    const [failed, previous] = listScans(db);
    expect(failed).toMatchObject({ status: "failed", error: failure.message });
    expect(previous).toMatchObject({ id: good.scanId, status: "succeeded", score: good.score });
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 2 });
    const audit = db.prepare("SELECT event, detail FROM audit_log ORDER BY id DESC LIMIT 1").get() as {
      event: string;
      detail: string;
    };
    expect(audit.event).toBe("scan.failed");
    expect(JSON.parse(audit.detail)).toMatchObject({ reason: failure.message });
    expect((await buildDigest(createSqliteStore(db), { now: NOW })).lastScan?.problem).toContain(
      failure.message,
    );
    expect(await readyz(db)).toMatchObject({
      status: 200,
      body: { lastScan: { status: "failed", error: failure.message } },
    });

    // Once the instance answers properly again, the next scan finds what the good one found.
    sim.faults.reset();
    const again = await scan(db, connector, new Date(NOW.getTime() + 7_200_000));
    expect(again.changes).toMatchObject({ opened: 0, resolved: 0 });
    expect(again.score).toEqual(good.score);
  });
});
