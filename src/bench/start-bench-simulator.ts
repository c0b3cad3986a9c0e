import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { WardenError } from "../errors.js";
import type { InstanceDescription } from "../sources/servicenow/simulator/describe-instance.js";

/** The simulated instance's size and behaviour, as `run-simulator` takes them. */
export interface BenchSimulatorOptions {
  users: string;
  machines: string;
  transactions: string;
  latency: string;
  maxPageSize?: string | undefined;
  pageRefusal?: string | undefined;
}

/** Starts the simulated instance as its own process (so its work does not load warden's loop). */
export async function startBenchSimulator(options: BenchSimulatorOptions): Promise<{
  description: InstanceDescription & { url: string };
  stop: () => void;
}> {
  const script = join(import.meta.dirname, "../sources/servicenow/simulator/run-simulator.js");
  const child = spawn(
    process.execPath,
    [
      script,
      `--users=${options.users}`,
      `--machines=${options.machines}`,
      `--transactions=${options.transactions}`,
      `--latency=${options.latency}`,
      ...(options.maxPageSize === undefined
        ? []
        : [`--max-page-size=${options.maxPageSize}`, `--page-refusal=${options.pageRefusal ?? "cap"}`]),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return { description: JSON.parse(line), stop: () => child.kill("SIGTERM") };
  }
  throw new WardenError("E_BENCH_SIMULATOR", "the simulator exited before it printed its address");
}
