import { execFile, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster (tests, bench): its superuser URL and a way to stop and remove it. */
export interface PostgresCluster {
  /** `postgres://warden@127.0.0.1:PORT/postgres`, no password (trust on 127.0.0.1 only). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Where the server binaries are: WARDEN_TEST_PG_BIN, else the newest Debian/Ubuntu
 * `/usr/lib/postgresql/<major>/bin` (the `postgresql` package puts them there, off PATH).
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.WARDEN_TEST_PG_BIN;
  if (configured) return configured;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const [newest] = majors;
  if (newest === undefined) {
    throw new Error(
      "The tests need a PostgreSQL server (initdb, pg_ctl): install it (apt-get install postgresql) or set WARDEN_TEST_PG_BIN to its bin directory.",
    );
  }
  return join(root, newest, "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * initdb + pg_ctl start of a new cluster in a temporary directory, listening on 127.0.0.1 only on a
 * free port, its socket in that directory too. PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` system user the Debian package creates (via runuser).
 */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), "warden-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? Number((await run("id", ["-u", "postgres"])).stdout.trim()) : undefined;
  if (pgUid !== undefined) {
    chownSync(dir, pgUid, -1);
    chmodSync(dir, 0o700);
  }
  const as = (file: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, file), ...args]] : [join(bin, file), args];
  await run(
    ...as("initdb", [
      "-D",
      data,
      "-U",
      "warden",
      "--auth=trust",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
    ]),
  );
  const port = await freePort();
  // fsync off: a test cluster never needs to survive a power cut, and it saves the slow disk. The
  // bench keeps PostgreSQL's defaults (durable), as SQLite's file is, so their times compare.
  const durability = options.durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}${durability} -c max_connections=300`;
  await run(...as("pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "server.log"), "-w", "start"]));
  const url = `postgres://warden@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => {
      await new Promise<void>((resolve) => {
        const [file, args] = as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
        spawn(file, args, { stdio: "ignore" }).once("exit", () => resolve());
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
