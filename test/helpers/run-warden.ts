import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

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
