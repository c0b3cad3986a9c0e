import { describe, expect, it } from "vitest";
import { type ServeRun, startServe } from "../helpers/run-warden.js";
import { prepareSlackProcesses } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/** Resolves with the first line a `warden serve` process prints that matches `pattern`. */
function line(run: ServeRun, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const found = seen.split("\n").find((l) => pattern.test(l));
      if (found) {
        run.child.stdout?.off("data", onData);
        resolve(found);
      }
    };
    run.child.stdout?.on("data", onData);
    void run.done.then((r) =>
      reject(new Error(`warden serve exited (${r.code}) before ${pattern}: ${r.stderr}`)),
    );
  });
}

describe.each(["sqlite", "postgres"] as const)("two `warden serve` replicas on one %s database", (store) => {
  it("catch up each missed slot once between them: what one replica runs, the other leaves to it", async () => {
    const t = await prepareSlackProcesses({ users: [OWNER], secret: "replicas-secret", store });
    const scansBefore = (await t.value("SELECT count(*) FROM scans")) as number;
    // A daily slot that has passed since the prepared scan: both replicas find it missed at start.
    const env = { ...t.env, SCAN_SCHEDULE: "0 2 * * *" };
    const [a, b] = await Promise.all([startServe(env), startServe(env)]);
    const done = await Promise.all([line(a, /^catch-up: done/), line(b, /^catch-up: done/)]);
    // Every missed job (the scan, the daily follow-ups) ran on exactly one of them.
    const ran = done.flatMap((l) => l.match(/ran: (.*)\)$/)?.[1]?.split(", ") ?? []);
    expect(ran.sort()).toEqual(["follow-ups", "scan"]);
    expect(await t.value("SELECT count(*) FROM scans")).toBe(scansBefore + 1);
    const slots = await t.sql<{ job: string; finished: unknown }>(
      "SELECT job, finished_at IS NOT NULL AS finished FROM job_slots ORDER BY job",
    );
    expect(slots.map((s) => [s.job, Boolean(s.finished)])).toEqual([
      ["follow-ups", true],
      ["scan", true],
    ]);
  });
});
