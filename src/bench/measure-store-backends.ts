import pg from "pg";
import { openPostgresStore } from "../store/postgres/open-postgres-store.js";
import {
  measureStoreWrite,
  SQLITE_TARGET,
  type StoreTarget,
  type WriteTiming,
} from "./measure-store-write.js";
import { findPostgresBin, startPostgresCluster } from "./postgres-cluster.js";

/** A new database in a PostgreSQL cluster reached at `adminUrl`, dropped afterwards. */
function postgresTarget(adminUrl: string): StoreTarget {
  return {
    async open() {
      const name = `warden_bench_${process.pid}_${Date.now()}`;
      const admin = async (sql: string) => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const { store } = await openPostgresStore(url.toString());
      return {
        store,
        remove: async () => {
          await store.close();
          await admin(`DROP DATABASE IF EXISTS ${name}`);
        },
      };
    },
  };
}

/**
 * The scan's store write of the accounts in `from` (a database a bench scan wrote), into a fresh
 * SQLite file and a fresh PostgreSQL database: WARDEN_BENCH_DATABASE_URL's server (a superuser
 * URL: a database is created and dropped there), else a throwaway local cluster with PostgreSQL's
 * default durability (the tests' binaries: /usr/lib/postgresql/<major>/bin or WARDEN_TEST_PG_BIN).
 * Lines to print; PostgreSQL's are skipped with the reason when no server can be had.
 */
export async function measureStoreBackends(from: string): Promise<string[]> {
  const sqlite = await measureStoreWrite(from, 0.9, SQLITE_TARGET);
  let postgres: WriteTiming[] | undefined;
  let where = "";
  let skipped: string | undefined;
  const configured = process.env.WARDEN_BENCH_DATABASE_URL;
  try {
    if (configured) {
      where = "WARDEN_BENCH_DATABASE_URL";
      postgres = await measureStoreWrite(from, 0.9, postgresTarget(configured));
    } else {
      findPostgresBin();
      const cluster = await startPostgresCluster({ durable: true });
      where = "a local cluster, same disk, fsync on";
      try {
        postgres = await measureStoreWrite(from, 0.9, postgresTarget(cluster.url));
      } finally {
        await cluster.stop();
      }
    }
  } catch (error) {
    skipped = error instanceof Error ? error.message : String(error);
  }
  const lines = [`Store write of the scan by backend (PostgreSQL: ${postgres ? where : "skipped"}):`];
  for (const [i, s] of sqlite.entries()) {
    const p = postgres?.[i];
    const pg = p
      ? `PostgreSQL ${Math.round(p.writeMs)} ms (${(p.writeMs / s.writeMs).toFixed(2)}× SQLite), longest block ${p.longestBlockMs.toFixed(1)} ms`
      : "";
    lines.push(
      `  ${s.label.padEnd(40)} SQLite ${Math.round(s.writeMs)} ms, longest block ${s.longestBlockMs.toFixed(1)} ms${pg ? `; ${pg}` : ""}`,
    );
  }
  if (skipped) lines.push(`  PostgreSQL not measured: ${skipped}`);
  return lines;
}

// `node dist/bench/measure-store-backends.js --from DB`: this comparison alone, on a kept bench database.
if (process.argv[1]?.endsWith("measure-store-backends.js")) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({ options: { from: { type: "string" } } });
  if (!values.from) throw new Error("--from DB: a database kept by npm run bench -- --db DB");
  process.stdout.write(`${(await measureStoreBackends(values.from)).join("\n")}\n`);
}
