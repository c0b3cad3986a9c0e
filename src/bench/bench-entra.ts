/**
 * `npm run bench:entra`: the bench's Entra phase alone (measure-entra.ts). `--entra-apps` (default
 * 20000), `--latency` (default 20 ms per answer).
 */
import { parseArgs } from "node:util";
import { measureEntra } from "./measure-entra.js";

const { values } = parseArgs({
  options: {
    "entra-apps": { type: "string", default: "20000" },
    latency: { type: "string", default: "20" },
  },
});
const figures = await measureEntra({ apps: Number(values["entra-apps"]), latencyMs: Number(values.latency) });
process.stdout.write("\nwarden benchmark: Entra ID\n");
for (const [name, value] of figures.rows) process.stdout.write(`  ${name.padEnd(28)} ${value}\n`);
process.stdout.write(`\n${figures.notes.join("\n")}\n`);
