import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runAuditCommand } from "../../src/audit/run-audit-command.js";
import { runCli } from "../../src/cli/run-cli.js";
import { UsageError } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import {
  auditHead,
  planAuditArchive,
  recordAuditCheckpoint,
  removeArchivedAudit,
} from "../../src/store/audit-archive.js";
import { appendAudit, verifyAuditChain } from "../../src/store/audit-log.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { smallDisk } from "../helpers/fill-disk.js";
import { tempDir } from "../helpers/temp-db.js";
import { seededDb } from "./seed-audit.js";

const NOW = new Date("2026-12-01T12:00:00Z");

async function run(db: ReturnType<typeof seededDb>, args: Parameters<typeof runAuditCommand>[1], now = NOW) {
  let out = "";
  const code = await runAuditCommand(
    createSqliteStore(db).audit,
    args,
    {
      write: (s) => {
        out += s;
      },
    },
    { now, retentionDays: 400 },
  );
  return { code, out };
}

const count = (db: ReturnType<typeof seededDb>, table: string) =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { type: string; id: number; event: string; hash: string });

describe("warden audit --archive", () => {
  it("moves the entries before --before to the file, leaves a checkpoint, and both verify", async () => {
    const db = seededDb();
    const file = join(tempDir(), "audit-2026-11.jsonl");

    const archived = await run(db, { archive: file, before: "2026-11-11" });

    expect(archived.code).toBe(0);
    // Entries #1-#3 (2 and 10 November) are in the file, in the export's format, and gone here.
    expect(lines(file).map((e) => [e.type, e.id])).toEqual([
      ["audit", 1],
      ["audit", 2],
      ["audit", 3],
    ]);
    expect(db.prepare("SELECT id FROM audit_log ORDER BY id").pluck().all()).toEqual([4, 5, 6]);
    expect(db.prepare("SELECT event FROM audit_log WHERE id = 6").pluck().get()).toBe("audit.archived");
    // Decisions are not the audit log's to archive.
    expect(count(db, "decisions")).toBe(2);
    const head = auditHead(db)?.hash as string;
    expect(archived.out).toContain(
      `archived 3 audit entries (#1–#3, before 2026-11-11T00:00:00.000Z) to ${file}`,
    );
    expect(archived.out).toContain(`last archived entry's hash: ${lines(file)[2]?.hash}`);
    expect(archived.out).toContain(`audit log head hash: ${head}`);

    expect(await run(db, { verify: true })).toEqual({ code: 0, out: "audit log intact: 3 entries\n" });
    const check = await run(db, { verifyArchive: file });
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/^archive .* intact: 3 entries \(#1–#3\)/);

    // The chain goes on; a second archive starts where the first ended and verifies as well. It
    // stops at the first entry dated on or after --before (#6, the first archive's own entry).
    appendAudit(db, {
      at: new Date("2026-12-01T13:00:00Z"),
      event: "scan.succeeded",
      actor: "warden",
      detail: {},
    });
    const second = join(tempDir(), "audit-2026-12.jsonl");
    expect(
      (await run(db, { archive: second, before: "2026-12-01T12:30Z" }, new Date("2026-12-02T00:00:00Z")))
        .code,
    ).toBe(0);
    expect(lines(second).map((e) => e.id)).toEqual([4, 5, 6]);
    expect(await run(db, { verify: true })).toEqual({ code: 0, out: "audit log intact: 2 entries\n" });
    expect((await run(db, { verifyArchive: file })).code).toBe(0);
    expect((await run(db, { verifyArchive: second })).code).toBe(0);
  });

  it("detects an archive that was changed, cut short or is not the recorded one", async () => {
    const db = seededDb();
    const dir = tempDir();
    const file = join(dir, "audit.jsonl");
    await run(db, { archive: file, before: "2026-11-11" });
    const original = readFileSync(file, "utf8");

    writeFileSync(file, original.replace("mallory", "nobody").replace('"identities":1', '"identities":9'));
    expect(await run(db, { verifyArchive: file })).toMatchObject({ code: 1 });
    expect((await run(db, { verifyArchive: file })).out).toContain("entry #1 was changed");

    writeFileSync(file, original.split("\n").slice(0, 2).join("\n"));
    expect((await run(db, { verifyArchive: file })).out).toContain(
      "no checkpoint in the database ends at entry #2",
    );

    writeFileSync(file, `${original.split("\n").slice(1).join("\n")}`);
    expect((await run(db, { verifyArchive: file })).out).toContain("is not the archive checkpoint");

    writeFileSync(file, original);
    expect((await run(db, { verifyArchive: file })).code).toBe(0);
  });

  it("takes every entry older than WARDEN_RETENTION_DAYS without --before, and nothing twice", async () => {
    const db = seededDb();
    const file = join(tempDir(), "a.jsonl");
    // 400 days after 10 November 2026: entries #1-#3 are older than that, #4 is not.
    const later = new Date("2027-12-16T00:00:00Z");
    expect((await run(db, { archive: file }, later)).out).toContain("archived 3 audit entries (#1–#3");
    const again = await run(db, { archive: join(tempDir(), "b.jsonl") }, later);
    expect(again.out).toMatch(/^no audit entries before .* left to archive/);
  });

  it("refuses to overwrite a file, a broken chain and wrong arguments, and changes nothing", async () => {
    const db = seededDb();
    const dir = tempDir();
    const file = join(dir, "exists.jsonl");
    writeFileSync(file, "keep me\n");
    await expect(run(db, { archive: file, before: "2026-11-11" })).rejects.toThrow(/already exists/);
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
    expect(readdirSync(dir)).toEqual(["exists.jsonl"]);
    expect(count(db, "audit_log")).toBe(5);
    expect(count(db, "audit_checkpoints")).toBe(0);

    for (const args of [
      { archive: join(dir, "x"), verify: true },
      { archive: join(dir, "x"), since: "2026-11-01" },
      { archive: join(dir, "x"), format: "csv" },
      { before: "2026-11-11" },
      { archive: join(dir, "x"), before: "yesterday" },
      { archive: join(dir, "x"), before: "2027-01-01" },
    ]) {
      await expect(run(db, args), JSON.stringify(args)).rejects.toThrow(UsageError);
    }

    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET detail = '{}' WHERE id = 2").run();
    await expect(run(db, { archive: join(dir, "broken.jsonl"), before: "2026-11-11" })).rejects.toMatchObject(
      {
        code: "E_AUDIT_BROKEN",
      },
    );
    expect(existsSync(join(dir, "broken.jsonl"))).toBe(false);
    expect(count(db, "audit_log")).toBe(5);
  });

  it("still refuses to remove an entry no checkpoint covers", async () => {
    const db = seededDb();
    await run(db, { archive: join(tempDir(), "a.jsonl"), before: "2026-11-11" });
    expect(() => db.prepare("DELETE FROM audit_log WHERE id = 4").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_checkpoints").run()).toThrow(/append-only/);
  });

  it("loses nothing when the disk fills while the archive is written", async () => {
    const db = seededDb();
    // Enough entries that the archive needs more room than the full disk has left.
    db.transaction(() => {
      for (let i = 0; i < 2000; i += 1) {
        appendAudit(db, {
          at: new Date("2026-11-20T00:00:00Z"),
          event: "message.sent",
          actor: "warden",
          detail: { text: "x".repeat(500), i },
        });
      }
    })();
    const disk = smallDisk();
    const release = disk.fill(db);
    const file = join(disk.dir, "audit.jsonl");
    await expect(run(db, { archive: file, before: "2026-11-21" })).rejects.toMatchObject({ code: "ENOSPC" });
    expect(readdirSync(disk.dir)).toEqual(["filler"]);
    expect(count(db, "audit_log")).toBe(2005);
    expect(count(db, "audit_checkpoints")).toBe(0);
    release();
    expect((await run(db, { archive: file, before: "2026-11-21" })).code).toBe(0);
    expect((await run(db, { verifyArchive: file })).code).toBe(0);
  });

  it("verifies at every point of an interrupted removal, and the next archive finishes it", async () => {
    // What a crash after the checkpoint leaves: the file, the checkpoint, some entries removed.
    const file = join(tempDir(), "a.jsonl");
    const db2 = seededDb();
    const plan2 = planAuditArchive(db2, new Date("2026-11-13T00:00:00Z"));
    expect(plan2).toMatchObject({ firstId: 1, throughId: 4, entries: 4 });
    if (!plan2) throw new Error("no plan");
    recordAuditCheckpoint(db2, plan2, { file, sha256: "0".repeat(64), at: NOW });
    expect(verifyAuditChain(db2)).toEqual({ ok: true, entries: 6 });
    for (const expected of [5, 4, 3, 2]) {
      expect(removeArchivedAudit(db2, 1)).toBe(1);
      expect(verifyAuditChain(db2)).toEqual({ ok: true, entries: expected });
    }
    expect(removeArchivedAudit(db2, 1)).toBe(0);
    expect(db2.prepare("SELECT id FROM audit_log ORDER BY id").pluck().all()).toEqual([5, 6]);

    const db3 = seededDb();
    const plan3 = planAuditArchive(db3, new Date("2026-11-13T00:00:00Z"));
    if (!plan3) throw new Error("no plan");
    recordAuditCheckpoint(db3, plan3, { file, sha256: "0".repeat(64), at: NOW });
    removeArchivedAudit(db3, 2);
    const next = await run(db3, { archive: join(tempDir(), "b.jsonl"), before: "2026-11-01" });
    expect(next.out).toContain("removed 2 entries an interrupted archive had left");
    expect(db3.prepare("SELECT id FROM audit_log ORDER BY id").pluck().all()).toEqual([5, 6]);
    expect(verifyAuditChain(db3)).toEqual({ ok: true, entries: 2 });
  });

  it("runs from the command line, with WARDEN_RETENTION_DAYS as the default cutoff", async () => {
    const db = seededDb();
    const path = db.name;
    db.close();
    const cli = async (args: string[]) => {
      let out = "";
      const stdout = new PassThrough();
      stdout.on("data", (chunk) => {
        out += String(chunk);
      });
      const code = await runCli(["audit", ...args], {
        stdout,
        stderr: new PassThrough(),
        env: { WARDEN_DB: path, WARDEN_RETENTION_DAYS: "30", LOG_LEVEL: "silent" },
        isTTY: false,
        now: () => new Date("2026-12-15T00:00:00Z"),
        logger: silentLogger,
      });
      return { code, out };
    };
    const file = join(tempDir(), "a.jsonl");
    // 30 days before 15 December: the entries of 2, 10 and 12 November.
    const archived = await cli(["--archive", file]);
    expect(archived).toMatchObject({ code: 0 });
    expect(archived.out).toContain("archived 4 audit entries (#1–#4, before 2026-11-15T00:00:00.000Z)");
    expect(await cli(["--verify"])).toEqual({ code: 0, out: "audit log intact: 2 entries\n" });
    expect((await cli(["--verify-archive", file])).code).toBe(0);
    expect((await cli(["--before", "2026-11-01"])).code).toBe(2);
  });
});
