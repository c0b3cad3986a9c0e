import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres } from "../../src/store/postgres/migrate-postgres.js";
import type { PgDb } from "../../src/store/postgres/pg-db.js";
import { POSTGRES_QUERIES } from "../../src/store/postgres/postgres-queries.js";
import { createTestDatabase } from "../helpers/postgres-database.js";

/**
 * A database the platform team creates for warden has its own default collation (here ICU's
 * en-US, where "a" sorts before "B" and punctuation is nearly ignored). warden's text must still
 * compare byte by byte, as on SQLite, and its keyset pages and case-folded lookups must still
 * read an index: a `COLLATE "C"` expression over a column of another collation cannot use the
 * column's index, and the read becomes a scan of the table plus a sort.
 */
describe("PostgreSQL on a database whose default collation is not C", () => {
  let database: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  const statements: { text: string; values: readonly unknown[] }[] = [];
  /** The store's own query functions run on this: it records every statement they send. */
  let recording: PgDb;

  beforeAll(async () => {
    database = await createTestDatabase({ icuLocale: "en-US" });
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      await migratePostgres(pool);
    } finally {
      await pool.end();
    }
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    recording = {
      query: async <T>(text: string, values: readonly unknown[] = []) => {
        statements.push({ text, values });
        return (await client.query({ text, values: [...values] })).rows as T[];
      },
      execute: async (text, values = []) => {
        statements.push({ text, values });
        return (await client.query({ text, values: [...values] })).rowCount ?? 0;
      },
      transaction: (fn) => fn(recording),
    };
    const at = "2026-12-01T00:00:00.000Z";
    await client.query(
      "INSERT INTO scans (id, source, started_at, finished_at, status) VALUES (1, 'servicenow', $1, $1, 'succeeded')",
      [at],
    );
    // Byte order: "B…" (0x42) < "_…" (0x5F) < "a…" (0x61) < "É…" (0xC3 0x89). ICU's: _, a, B, É.
    for (const id of ["a1", "B2", "_z3", "É4"]) {
      await client.query(
        `INSERT INTO accounts (source, id, user_name, name, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
         VALUES ('servicenow', $1, $2, $3, 1, '{}', $4, $4, 1)`,
        [id, `svc_${id}`, `Service ${id}`, at],
      );
      await client.query(
        "INSERT INTO account_snapshots (source, account_id, snapshot) VALUES ('servicenow', $1, $2)",
        [id, JSON.stringify({ source: "servicenow", id, userName: `svc_${id}`, name: `Service ${id}` })],
      );
      await client.query(
        `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
           first_seen_at, last_seen_at, first_scan_id, last_scan_id)
         VALUES ('servicenow', $1, 'dormant', 'high', 's', '[]', 'disable', $2, $2, 1, 1)`,
        [id, at],
      );
    }
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('declares every text column byte-wise (COLLATE "C"), as SQLite compares text', async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      collation_name: string | null;
    }>(
      `SELECT table_name, column_name, collation_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'warden_schema'`,
    );
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((r) => r.collation_name !== "C")).toEqual([]);
  });

  it("pages and folds in SQLite's byte order", async () => {
    const ids = (await POSTGRES_QUERIES.accounts.listLatestAccountsPage(recording, { limit: 10 })).map(
      (a) => a.identity.id,
    );
    expect(ids).toEqual(["B2", "_z3", "a1", "É4"]);
    const digest = await POSTGRES_QUERIES.accounts.listDigestAccountsPage(recording, { limit: 10 });
    expect(digest.accounts.map((a) => a.accountId)).toEqual(["B2", "_z3", "a1", "É4"]);
    // lower() folds ASCII only, as SQLite's does: "É" and "é" stay apart.
    expect((await POSTGRES_QUERIES.accounts.matchAccount(recording, "SVC_é4")).kind).toBe("none");
    expect(await POSTGRES_QUERIES.accounts.matchAccount(recording, "SVC_É4")).toMatchObject({
      kind: "one",
      account: { identity: { id: "É4" } },
    });
    expect(await POSTGRES_QUERIES.accounts.matchAccount(recording, "SVC_b2")).toMatchObject({
      kind: "one",
      account: { identity: { id: "B2" } },
    });
  });

  it("reads the accounts' and findings' indexes for pages, lookups and suggestions, with no sort for a keyset page", async () => {
    statements.length = 0;
    const { accounts } = POSTGRES_QUERIES;
    await accounts.listLatestAccountsPage(recording, { limit: 2, after: { source: "servicenow", id: "B2" } });
    await accounts.loadActivityHistoryPage(recording, "servicenow", { afterId: "B2", limit: 2 });
    await accounts.listDigestAccountsPage(recording, {
      limit: 2,
      after: { source: "servicenow", accountId: "B2" },
    });
    const pages = statements.splice(0);
    await accounts.matchAccount(recording, "Service Nobody");
    await accounts.suggestAccounts(recording, "svc_a");
    const lookups = statements.splice(0);
    expect(pages.length).toBeGreaterThan(3);
    expect(lookups.length).toBeGreaterThan(5);

    // The tables are tiny: without this, a scan would be cheaper and the plan would say nothing.
    await client.query("SET enable_seqscan = off");
    const plan = async ({ text, values }: { text: string; values: readonly unknown[] }) =>
      (await client.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN ${text}`, values: [...values] })).rows
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    const scansOf = (text: string) => /Seq Scan on (accounts|account_snapshots|findings)\b/.test(text);
    for (const statement of [...pages, ...lookups]) {
      const explained = await plan(statement);
      expect(scansOf(explained), `${statement.text}\n${explained}`).toBe(false);
    }
    for (const statement of pages.filter(
      (s) => /ORDER BY/.test(s.text) && /accounts a|findings f|FROM accounts/.test(s.text),
    )) {
      const explained = await plan(statement);
      expect(explained, statement.text).not.toMatch(/\bSort\b/);
    }
  });
});
