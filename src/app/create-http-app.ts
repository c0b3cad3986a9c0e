import express, { type Application } from "express";
import { redactUrlsIn } from "../redact-url.js";
import type { Repositories } from "../store/store.js";

/**
 * The one HTTP app: health endpoints here; the Slack receiver (`POST /slack/events`) and the
 * Teams endpoint (`POST /api/messages`) mount on it. `/readyz` answers 503 when the database cannot
 * be written (its file deleted or replaced, read-only, locked: `database` says which), and reports
 * the last scan's status and age either way.
 */
export function createHttpApp(deps: {
  store: Pick<Repositories, "health" | "scans">;
  now: () => Date;
}): Application {
  const { store } = deps;
  const app = express();
  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  // Express 5 passes a rejected handler to its error handler (a 500), as it does a thrown error
  // (https://expressjs.com/en/guide/error-handling.html).
  app.get("/readyz", async (_request, response) => {
    const writable = await store.health.checkDatabaseWritable();
    const database = writable.ok ? "ok" : writable.reason;
    // A closed connection cannot even be read: still answer (503), not throw a 500.
    const last =
      writable.ok || writable.problem !== "closed"
        ? (await store.scans.listScans({ limit: 1 }))[0]
        : undefined;
    const lastScan = last
      ? {
          status: last.status,
          startedAt: last.startedAt.toISOString(),
          ageHours: Math.round((deps.now().getTime() - last.startedAt.getTime()) / 360_000) / 10,
          // Recorded redacted already; older rows pass the same filter on the way out.
          error: last.error === undefined ? null : redactUrlsIn(last.error),
        }
      : null;
    response
      .status(database === "ok" ? 200 : 503)
      .json({ status: database === "ok" ? "ready" : "not ready", database, lastScan });
  });
  return app;
}
