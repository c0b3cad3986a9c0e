/**
 * `npm run bench:fan-out`: the bench's fan-out phase alone (src/bench/fan-out/bench-fan-out.ts).
 * `--owners` (default 1000), `--week1-scale` (default 10: week 1 runs 10× faster than real time).
 */
import { parseArgs } from "node:util";
import { benchFanOut } from "./fan-out/bench-fan-out.js";

const { values } = parseArgs({
  options: {
    owners: { type: "string", default: "1000" },
    "week1-scale": { type: "string", default: "10" },
  },
});
const lines = await benchFanOut({ owners: Number(values.owners), week1Scale: Number(values["week1-scale"]) });
process.stdout.write(`\n${lines.join("\n")}\n`);
