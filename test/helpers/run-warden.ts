import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { onTestFinished } from "vitest";

export const WARDEN_BIN = join(import.meta.dirname, "../../dist/cli.js");

export interface WardenRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * Spawns the built `warden` binary with exactly the given environment (plus PATH), optionally as
 * another user (`uid`/`gid`, e.g. to drop root for a test of file permissions).
 */
export function runWarden(
  args: string[],
  env: Record<string, string>,
  options: { uid?: number; gid?: number } = {},
): WardenRun {
  const child = spawn(process.execPath, [WARDEN_BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** A `warden serve` process and the port it listens on. */
export interface ServeRun extends WardenRun {
  url: string;
}

/**
 * Spawns `warden serve` and resolves once it says it listens (its port: set PORT=0 for a free
 * one); rejects if it exits first. The process is killed when the test ends, if still running.
 */
export async function startServe(env: Record<string, string>): Promise<ServeRun> {
  const run = runWarden(["serve"], { PORT: "0", ...env });
  onTestFinished(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
  });
  const port = await new Promise<string>((resolve, reject) => {
    let seen = "";
    run.child.stdout?.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on port (\d+)/);
      if (match?.[1]) resolve(match[1]);
    });
    void run.done.then((r) => reject(new Error(`warden serve exited early (${r.code}): ${r.stderr}`)));
  });
  return { ...run, url: `http://127.0.0.1:${port}` };
}

/** Kills a process with SIGKILL (no cleanup of any kind) and resolves when it is gone. */
export async function killHard(run: WardenRun): Promise<void> {
  run.child.kill("SIGKILL");
  await run.done;
}
