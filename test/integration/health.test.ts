import { once } from "node:events";
import { chmodSync, chownSync, copyFileSync, renameSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { createHttpApp } from "../../src/app/create-http-app.js";
import { openWarden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { runWarden, type WardenRun } from "../helpers/run-warden.js";
import { tempDbPath, tempDir } from "../helpers/temp-db.js";

async function serve(password: string) {
  const { sim } = await startDemoSource();
  const config = loadConfig({
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: password,
    WARDEN_DB: tempDbPath(),
  });
  // Opened here, so a test can reach warden's own connection (its pragmas) as a broken disk would.
  const db = openDatabase(config.dbPath);
  const store = createSqliteStore(db, { location: config.dbPath });
  const warden = await openWarden(config, { logger: silentLogger, now: () => NOW, store });
  onTestFinished(() => warden.close());
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { warden, db, get };
}

describe("health endpoints", () => {
  it("answers /healthz, and /readyz with the database and the last scan", async () => {
    const { warden, get } = await serve("warden-demo");
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/readyz")).toMatchObject({
      status: 200,
      body: { status: "ready", database: "ok", lastScan: null },
    });
    await runScan({
      store: warden.store,
      connector: warden.connectors.get("servicenow"),
      now: () => NOW,
      logger: silentLogger,
      dormantDays: 100,
    });
    expect((await get("/readyz")).body).toMatchObject({
      lastScan: { status: "succeeded", ageHours: 0, error: null },
    });
  });

  it("reports a failed last scan with its reason", async () => {
    const { warden, get } = await serve("wrong");
    await runScan({
      store: warden.store,
      connector: warden.connectors.get("servicenow"),
      now: () => NOW,
      logger: silentLogger,
      dormantDays: 100,
    }).catch(() => undefined);
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body.lastScan).toMatchObject({ status: "failed" });
    expect(String((ready.body.lastScan as { error: string }).error)).toMatch(/401/);
  });

  it("is not ready when the database cannot be written", async () => {
    const { warden, db, get } = await serve("warden-demo");
    // Another connection holds the write lock: BEGIN IMMEDIATE fails after the busy timeout.
    db.pragma("busy_timeout = 0");
    const other = new BetterSqlite3(warden.config.dbPath);
    other.exec("BEGIN IMMEDIATE");
    try {
      const ready = await get("/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: "not ready" });
      expect(ready.body.database).toMatch(/locked by another writer/);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect((await get("/readyz")).status).toBe(200);
  });

  it("is not ready when the database file is deleted under the running process", async () => {
    const { warden, db, get } = await serve("warden-demo");
    expect((await get("/readyz")).status).toBe(200);
    rmSync(warden.config.dbPath);
    // The open connection still "writes" (into a file nobody will see again): the old check passed.
    db.exec("BEGIN IMMEDIATE; ROLLBACK;");
    const ready = await get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: "not ready" });
    expect(ready.body.database).toContain(`the database file ${warden.config.dbPath} was deleted`);
  });

  it("is not ready when the database file is replaced by another file", async () => {
    const { warden, get } = await serve("warden-demo");
    const copy = `${warden.config.dbPath}.restored`;
    copyFileSync(warden.config.dbPath, copy);
    renameSync(copy, warden.config.dbPath);
    const ready = await get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body.database).toMatch(/no longer the file warden opened.*restart warden/);
  });

  it("is not ready on a read-only connection, and ready again once writes are allowed", async () => {
    const { warden, db, get } = await serve("warden-demo");
    // PRAGMA query_only makes SQLite refuse every write on this connection, root or not
    // (https://www.sqlite.org/pragma.html#pragma_query_only).
    db.pragma("query_only = ON");
    const ready = await get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body.database).toMatch(/read-only/);
    db.pragma("query_only = OFF");
    expect(await get("/readyz")).toMatchObject({ status: 200, body: { database: "ok" } });

    // A connection opened read-only (as SQLite also does on its own for a write-protected file).
    const readOnly = new BetterSqlite3(warden.config.dbPath, { readonly: true });
    onTestFinished(() => void readOnly.close());
    const server = createHttpApp({ store: createSqliteStore(readOnly), now: () => NOW }).listen(
      0,
      "127.0.0.1",
    );
    onTestFinished(() => void server.close());
    await once(server, "listening");
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { database: string }).database).toMatch(/opened read-only/);
  });

  it("is not ready when file or directory permissions forbid writing, and ready again when restored", async () => {
    // Root passes permission bits, so the server runs as an unprivileged user (nobody) when the
    // tests run as root, and as the test's own user otherwise: either way the bits apply.
    const uid = process.getuid?.() === 0 ? 65534 : (process.getuid?.() ?? 0);
    const gid = process.getuid?.() === 0 ? 65534 : (process.getgid?.() ?? 0);
    const dir = tempDir();
    chownSync(dir, uid, gid);
    const dbPath = join(dir, "warden.db");
    const run = runWarden(
      ["serve"],
      {
        LOG_LEVEL: "silent",
        WARDEN_DB: dbPath,
        PORT: "0",
        // February 29th: no scheduled scan runs while the test looks.
        SCAN_SCHEDULE: "0 0 29 2 *",
        DIGEST_SCHEDULE: "0 0 29 2 *",
      },
      { uid, gid },
    );
    onTestFinished(() => void run.child.kill("SIGKILL"));
    const port = await listeningPort(run);
    const readyz = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: response.status, body: (await response.json()) as { database: string } };
    };
    expect(await readyz()).toMatchObject({ status: 200, body: { database: "ok" } });

    chmodSync(dbPath, 0o444);
    const file = await readyz();
    expect(file.status).toBe(503);
    expect(file.body.database).toBe(
      `the database file ${dbPath} is read-only for warden's user (permissions): SQLite needs to write both`,
    );
    chmodSync(dbPath, 0o644);
    expect((await readyz()).status).toBe(200);

    chmodSync(dir, 0o555);
    onTestFinished(() => chmodSync(dir, 0o755));
    const directory = await readyz();
    expect(directory.status).toBe(503);
    expect(directory.body.database).toContain(`the database directory ${dir} is read-only`);
    chmodSync(dir, 0o755);
    expect((await readyz()).status).toBe(200);

    run.child.kill("SIGTERM");
    expect((await run.done).code).toBe(0);
  });
});

/** The port `warden serve` prints once it listens; rejects if it exits first. */
function listeningPort(run: WardenRun): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = "";
    run.child.stdout?.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on port (\d+)/);
      if (match?.[1]) resolve(match[1]);
    });
    void run.done.then((r) => reject(new Error(`serve exited early: ${r.stderr}`)));
  });
}
