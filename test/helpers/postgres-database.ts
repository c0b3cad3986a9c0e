import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/**
 * A new, empty database in the tests' PostgreSQL cluster (test/global-setup.ts), for one test or
 * file: its URL, and `drop` to remove it (after every pool on it is closed). No FORCE: terminating
 * a connection a pool is still closing raises an error in that pool; a plain DROP waits a few
 * seconds for closing connections to go, and one still in use leaves the database to the
 * cluster's removal at the end of the run.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = inject("postgresUrl");
  const name = `warden_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
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
