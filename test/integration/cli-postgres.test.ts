import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { createTestDatabase } from "../helpers/postgres-database.js";
import { runWarden } from "../helpers/run-warden.js";

const latest = MIGRATIONS.at(-1)?.version;
const quiet = { LOG_LEVEL: "silent" };

describe("warden on PostgreSQL (WARDEN_DATABASE_URL), the real binary", () => {
  let database: { url: string; drop: () => Promise<void> };
  /** The database's URL with a password in it, as a Secret would hold it (the test server trusts 127.0.0.1). */
  let withPassword: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    url.password = "s3cret-pw";
    withPassword = url.toString();
  });
  afterAll(() => database.drop());

  it("migrates the database as a one-off job, and again finds it up to date, never printing the password", async () => {
    const first = await runWarden(["migrate"], { ...quiet, WARDEN_DATABASE_URL: withPassword }).done;
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^PostgreSQL database postgres://\\[redacted\\]@127\\.0\\.0\\.1:\\d+/warden_\\w+: schema version 0 → ${latest}\\.\\n$`,
      ),
    );
    const again = await runWarden(["migrate"], { ...quiet, WARDEN_DATABASE_URL: withPassword }).done;
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`schema version ${latest} → ${latest} (already up to date)`);
    expect(first.stdout + again.stdout).not.toContain("s3cret-pw");
  });

  it("scans into PostgreSQL, not SQLite, and looks the account up from there, never printing the password", async () => {
    const env = {
      ...quiet,
      WARDEN_DATABASE_URL: withPassword,
      WARDEN_DB: "/nonexistent/dir/never-created.db",
    };
    const scan = await runWarden(["scan"], env).done;
    expect(scan.stderr).not.toContain("s3cret-pw");
    expect(scan.code).toBe(0);
    expect(scan.stdout).toMatch(/machine identities, \d+ findings .*score \d+\/100/);
    const lookup = await runWarden(["lookup", "svc_old_integration"], env).done;
    expect(lookup.stderr).toBe("");
    expect(lookup.code).toBe(0);
    expect(lookup.stdout).toContain("svc_old_integration");
    const verify = await runWarden(["audit", "--verify"], env).done;
    expect(verify.stderr).toBe("");
    expect(verify.code).toBe(0);
    expect(scan.stdout + lookup.stdout + verify.stdout + verify.stderr).not.toContain("s3cret-pw");
  });

  it("refuses a read-only database (a standby, a read-only role) in one line naming WARDEN_DATABASE_URL", async () => {
    const standby = await createTestDatabase();
    try {
      const url = new URL(standby.url);
      url.password = "s3cret-pw";
      const env = { ...quiet, WARDEN_DATABASE_URL: url.toString() };
      expect((await runWarden(["migrate"], env).done).code).toBe(0);
      const admin = new pg.Client({ connectionString: standby.url });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE ${url.pathname.slice(1)} SET default_transaction_read_only = on`);
      } finally {
        await admin.end();
      }
      const scan = await runWarden(["scan"], env).done;
      expect(scan.code).not.toBe(0);
      expect(scan.stderr).toMatch(
        /cannot use the database postgres:\/\/\[redacted\]@.* \(WARDEN_DATABASE_URL\): .*takes no writes from warden/,
      );
      expect(scan.stderr + scan.stdout).not.toContain("s3cret-pw");
    } finally {
      await standby.drop();
    }
  });

  it("says what is wrong with a URL that is not PostgreSQL's, hiding its password", async () => {
    const run = await runWarden(["migrate"], {
      ...quiet,
      WARDEN_DATABASE_URL: "mysql://root:hunter2@db/warden",
    }).done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("WARDEN_DATABASE_URL must be a PostgreSQL URL");
    expect(run.stderr).not.toContain("hunter2");
  });
});
