import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPostgresDatabase } from "../../src/doctor/check-database.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { migratePostgres } from "../../src/store/postgres/migrate-postgres.js";
import { createTestDatabase } from "../helpers/postgres-database.js";

const latest = MIGRATIONS.at(-1)?.version;
const byName = (checks: { name: string; status: string; detail: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

describe("warden doctor: the PostgreSQL database (WARDEN_DATABASE_URL)", () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("says a new database must be migrated, then that it is at this warden's schema", async () => {
    const before = byName(await checkPostgresDatabase(database.url));
    expect(before.connect).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/^PostgreSQL \d+/),
    });
    expect(before.schema).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("run warden migrate"),
    });
    expect(before.writable).toBeUndefined();

    const pool = new pg.Pool({ connectionString: database.url });
    await migratePostgres(pool);
    await pool.end();
    const after = byName(await checkPostgresDatabase(database.url));
    expect(after.schema).toEqual({
      area: "database",
      name: "schema",
      status: "pass",
      detail: `Schema version ${latest}, this warden's.`,
    });
    // Every store query has its PostgreSQL version: nothing to warn about.
    expect(after.store).toBeUndefined();
  });

  it("fails the connection check with the reason, never showing the password", async () => {
    const url = new URL(database.url);
    url.password = "s3cret-pw";
    url.pathname = "/no_such_database";
    const checks = await checkPostgresDatabase(url.toString());
    expect(checks).toEqual([
      expect.objectContaining({
        name: "connect",
        status: "fail",
        detail: expect.stringContaining('database "no_such_database" does not exist'),
      }),
    ]);
    expect(JSON.stringify(checks)).not.toContain("s3cret-pw");
  });
});
