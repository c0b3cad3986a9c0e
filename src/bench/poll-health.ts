/**
 * Worker thread of the bench's serving phase: polls GET /healthz every 20 ms and records how long
 * each answer took. In a thread of its own, so a blocked event loop in warden's thread delays the
 * answers, not the polling (https://nodejs.org/api/worker_threads.html).
 *
 * Messages in: { phase: string } starts a phase; { end: true } ends it and is answered with
 * { worstMs, polls, failures }. The bench terminates the thread when done.
 */
import { request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const url = new URL("/healthz", (workerData as { url: string }).url);
let worstMs = 0;
let polls = 0;
let failures = 0;

function poll(): void {
  const started = performance.now();
  const done = (ok: boolean) => {
    polls += 1;
    if (!ok) failures += 1;
    worstMs = Math.max(worstMs, performance.now() - started);
  };
  const req = request(url, { agent: false }, (response) => {
    response.resume();
    response.on("end", () => done(response.statusCode === 200));
  });
  req.on("error", () => done(false));
  req.end();
}

setInterval(poll, 20);
parentPort?.on("message", (message: { phase?: string; end?: boolean }) => {
  if (message.phase !== undefined) {
    worstMs = 0;
    polls = 0;
    failures = 0;
  } else if (message.end) {
    parentPort?.postMessage({ worstMs, polls, failures });
  }
});
