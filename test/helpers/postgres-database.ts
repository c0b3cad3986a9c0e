import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/**
 * A new, empty database in the tests' PostgreSQL cluster (test/global-setup.ts), for one test or
 * file: its URL, and `drop` to remove it (after every pool on it is closed). No FORCE: terminating
 * a connection a pool is still closing raises an error in that pool; a plain DROP waits a few
 * seconds for closing connections to go, and one still in use leaves the database to the
 * cluster's removal at the end of the run. `icuLocale` gives it that ICU collation by default
 * (PostgreSQL 15+), as a database created for warden by a platform team might have.
 */
export async function createTestDatabase(
  options: { icuLocale?: string } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = inject("postgresUrl");
  const name = `warden_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    // The cluster's default collation is C; a database the platform team makes may not be.
    await client.query(
      options.icuLocale
        ? `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}' LOCALE 'C.UTF-8'`
        : `CREATE DATABASE ${name}`,
    );
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
      } finally {
        await c.end();
      }
    },
  };
}
