import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { tempDbPath } from "../helpers/temp-db.js";

async function serve(password: string) {
  const { sim } = await startDemoSource();
  const config = loadConfig({
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: password,
    WARDEN_DB: tempDbPath(),
  });
  const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
  onTestFinished(() => warden.close());
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { warden, get };
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
      db: warden.db,
      connector: warden.connector,
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
      db: warden.db,
      connector: warden.connector,
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
    const { warden, get } = await serve("warden-demo");
    // Another connection holds the write lock: BEGIN IMMEDIATE fails after the busy timeout.
    warden.db.pragma("busy_timeout = 0");
    const BetterSqlite3 = (await import("better-sqlite3")).default;
    const other = new BetterSqlite3(warden.config.dbPath);
    other.exec("BEGIN IMMEDIATE");
    try {
      const ready = await get("/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: "not ready" });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });
});
