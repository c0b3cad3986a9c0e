import { spawn } from "node:child_process";
import { join } from "node:path";

/** One CLI command as the bench times it. */
export interface CliTiming {
  label: string;
  /** Median wall time of the runs, from spawn to exit, Node's start-up included. */
  medianMs: number;
  slowestMs: number;
  /** Exit code of the last run (lookup exits 1 when nothing matched). */
  code: number | null;
  /** The first lines of its stdout, to show it did the work. */
  output: string;
}

const CLI = join(import.meta.dirname, "../cli.js");

/** Runs the built CLI once with `env` (nothing else of the bench's environment but PATH). */
function runOnce(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ ms: number; code: number | null; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ ms: performance.now() - started, code, stdout }));
  });
}

/**
 * Times commands as an operator runs them: a child process of the built `warden` against the
 * bench's database, wall time, `rounds` times each (the median is the figure, the slowest is shown).
 */
export async function measureCli(
  commands: readonly { label: string; args: readonly string[] }[],
  env: Record<string, string>,
  rounds = 3,
): Promise<CliTiming[]> {
  const timings: CliTiming[] = [];
  for (const { label, args } of commands) {
    const runs = [];
    for (let round = 0; round < rounds; round++) runs.push(await runOnce(args, env));
    const ms = runs.map((run) => run.ms).sort((a, b) => a - b);
    const last = runs.at(-1);
    timings.push({
      label,
      medianMs: ms[Math.floor(ms.length / 2)] ?? 0,
      slowestMs: ms.at(-1) ?? 0,
      code: last?.code ?? null,
      output: (last?.stdout ?? "").split("\n").slice(0, 2).join(" / "),
    });
  }
  return timings;
}
