/**
 * The bench's simulated Entra tenant as its own process (its data and TLS server are not counted
 * in the scanning process's memory): `--apps N` filler applications, `--latency MS` added to every
 * answer. Prints one JSON line (url, ca, what the tenant holds), then serves until killed.
 */
import { parseArgs } from "node:util";
import { generateTenant } from "../sources/entra/simulator/generate-tenant.js";
import { startSimulatedTenant } from "../sources/entra/simulator/start-simulated-tenant.js";
import { describeEntraTenant } from "./describe-entra-tenant.js";

const { values } = parseArgs({
  options: {
    apps: { type: "string", default: "20000" },
    latency: { type: "string", default: "20" },
  },
});
const now = new Date();
const data = generateTenant({ now, scaledApps: Number(values.apps) });
const tenant = await startSimulatedTenant({ data, now: () => now });
tenant.faults.latencyMs = Number(values.latency);
process.stdout.write(
  `${JSON.stringify({ url: tenant.url, ca: tenant.ca, now: now.toISOString(), description: describeEntraTenant(data) })}\n`,
);
process.on("SIGTERM", () => {
  void tenant.close().then(() => process.exit(0));
});
