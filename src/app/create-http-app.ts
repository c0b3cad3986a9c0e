import type { Database } from "better-sqlite3";
import express, { type Application } from "express";
import { listScans } from "../store/scans.js";

/**
 * The one HTTP app: health endpoints here; the Slack receiver (`POST /slack/events`) and the
 * Teams endpoint (`POST /api/messages`) mount on it. `/readyz` answers 503 when the database cannot
 * be written, and reports the last scan's status and age either way.
 */
export function createHttpApp(deps: { db: Database; now: () => Date }): Application {
  const app = express();
  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  app.get("/readyz", (_request, response) => {
    let database = "ok";
    try {
      // BEGIN IMMEDIATE takes the write lock: proof the file is open and writable, with no write.
      deps.db.exec("BEGIN IMMEDIATE; ROLLBACK;");
    } catch (error) {
      database = `not writable: ${error instanceof Error ? error.message : String(error)}`;
    }
    const last = listScans(deps.db, { limit: 1 })[0];
    const lastScan = last
      ? {
          status: last.status,
          startedAt: last.startedAt.toISOString(),
          ageHours: Math.round((deps.now().getTime() - last.startedAt.getTime()) / 360_000) / 10,
          error: last.error ?? null,
        }
      : null;
    response
      .status(database === "ok" ? 200 : 503)
      .json({ status: database === "ok" ? "ready" : "not ready", database, lastScan });
  });
  return app;
}
