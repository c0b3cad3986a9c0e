/**
 * Standalone simulated instance, for the benchmark and manual poking:
 *
 *   node dist/sources/servicenow/simulator/run-simulator.js --users 200000 --machines 50000 --transactions 2000000 --latency 20
 *
 * `--max-page-size N` with `--page-refusal cap|error` (default cap) makes lists asking for more than
 * N rows come back capped or refused (SimulatorFaults.pageLimit).
 *
 * Without --users/--machines/--transactions it serves the demo dataset. Prints one JSON line
 * `{"url": ..., ...describeInstance}` on stdout once listening, then runs until SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { describeInstance } from "./describe-instance.js";
import { generateInstance } from "./generate-instance.js";
import { startSimulatedInstance } from "./start-simulated-instance.js";

function toNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string" },
      machines: { type: "string" },
      transactions: { type: "string" },
      latency: { type: "string" },
      port: { type: "string" },
      seed: { type: "string" },
      now: { type: "string" },
      record: { type: "boolean", default: false },
      "max-page-size": { type: "string" },
      "page-refusal": { type: "string", default: "cap" },
    },
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new Error(`--now must be a date, got ${values.now}`);
  const users = toNumber("users", values.users);
  const machines = toNumber("machines", values.machines);
  const transactions = toNumber("transactions", values.transactions);
  const scaled = users !== undefined || machines !== undefined || transactions !== undefined;
  const data = generateInstance({
    seed: toNumber("seed", values.seed) ?? 1,
    now,
    ...(scaled
      ? {
          scale: {
            users: users ?? 200_000,
            machineIdentities: machines ?? 50_000,
            transactions30d: transactions ?? 2_000_000,
          },
        }
      : {}),
  });
  const sim = await startSimulatedInstance({
    data,
    port: toNumber("port", values.port) ?? 0,
    latencyMs: toNumber("latency", values.latency) ?? 0,
    // Recording every request of a benchmark would only grow memory; --record turns it on.
    recordRequests: values.record ?? false,
  });
  const maxPageSize = toNumber("max-page-size", values["max-page-size"]);
  const refusal = values["page-refusal"];
  if (refusal !== "cap" && refusal !== "error")
    throw new Error(`--page-refusal must be cap or error, got ${refusal}`);
  if (maxPageSize !== undefined) sim.faults.pageLimit = { max: maxPageSize, refusal };
  process.stdout.write(
    `${JSON.stringify({ url: sim.url, now: now.toISOString(), ...describeInstance(data) })}\n`,
  );
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`run-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
