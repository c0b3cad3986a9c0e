import { describe, expect, it } from "vitest";
import { parseSince, runAuditCommand } from "../../src/audit/run-audit-command.js";
import { UsageError } from "../../src/errors.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { seededDb } from "./seed-audit.js";

async function run(db: ReturnType<typeof seededDb>, args: Parameters<typeof runAuditCommand>[1]) {
  let out = "";
  const code = await runAuditCommand(createSqliteStore(db).audit, args, {
    write: (s) => {
      out += s;
    },
  });
  return { code, out };
}

describe("warden audit", () => {
  it("exports JSON lines by default, CSV on request", async () => {
    const db = seededDb();
    const json = await run(db, {});
    expect(json.code).toBe(0);
    expect(json.out.trimEnd().split("\n")).toHaveLength(7);
    expect(JSON.parse(json.out.split("\n")[0] as string)).toMatchObject({ type: "decision" });

    const csv = await run(db, { format: "CSV" });
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith("type,id,at,event_or_action,")).toBe(true);
  });

  it("filters with --since as a date (midnight UTC) or an ISO date-time", async () => {
    const db = seededDb();
    const types = async (since: string) =>
      (await run(db, { since })).out
        .trimEnd()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l))
        .map((r) => `${r.type}:${r.at}`);
    expect(await types("2026-11-25")).toEqual([
      "decision:2026-11-25T15:30:00.000Z",
      "audit:2026-11-25T15:30:00.000Z",
    ]);
    // 16:00 in UTC+01:00 is 15:00 UTC: still before the Keep at 15:30 UTC.
    expect(await types("2026-11-25T16:00+01:00")).toHaveLength(2);
    expect(await types("2026-11-25T15:30:00.001Z")).toEqual([]);
    expect(await types("2026-11-10")).toHaveLength(5);
  });

  it("parses the accepted --since forms", async () => {
    expect(parseSince("2026-11-25").toISOString()).toBe("2026-11-25T00:00:00.000Z");
    expect(parseSince("2026-11-25T14:30").toISOString()).toBe("2026-11-25T14:30:00.000Z");
    expect(parseSince("2026-11-25T14:30:05.25Z").toISOString()).toBe("2026-11-25T14:30:05.250Z");
    expect(parseSince("2026-11-25T14:30:05-05:00").toISOString()).toBe("2026-11-25T19:30:05.000Z");
  });

  it("refuses a wrong --since or --format with a message listing what is accepted", async () => {
    const db = seededDb();
    for (const since of [
      "last week",
      "25/11/2026",
      "2026-02-30",
      "2026-11-25T24:00Z",
      "2026-11-25 10:00",
      "",
    ]) {
      await expect(run(db, { since }), since).rejects.toThrow(UsageError);
      await expect(run(db, { since }), since).rejects.toThrow(
        /is not a date\. Use YYYY-MM-DD .*ISO 8601 date-time such as/,
      );
    }
    await expect(run(db, { format: "xml" })).rejects.toThrow(
      /--format "xml" is not supported: use json .* or csv/,
    );
    await expect(run(db, { verify: true, since: "2026-11-01" })).rejects.toThrow(UsageError);
  });

  it("--verify reports an intact chain", async () => {
    const db = seededDb();
    expect(await run(db, { verify: true })).toEqual({ code: 0, out: "audit log intact: 5 entries\n" });
  });

  it("--verify reports the first entry of a tampered chain", async () => {
    const db = seededDb();
    // Someone with file access removes the guard and rewrites a refused attempt.
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET actor = 'slack:U0ANN <ann@acme.example>' WHERE id = 4").run();
    expect(await run(db, { verify: true })).toEqual({
      code: 1,
      out: "audit log broken at entry #4 (4 entries checked): the entry or the one before it was changed or removed\n",
    });
  });

  it("--verify reports a removed entry at the one after it", async () => {
    const db = seededDb();
    db.exec("DROP TRIGGER audit_log_no_delete");
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    const { code, out } = await run(db, { verify: true });
    expect(code).toBe(1);
    expect(out).toContain("audit log broken at entry #3 (2 entries checked)");
  });
});
