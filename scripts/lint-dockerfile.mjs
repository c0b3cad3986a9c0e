#!/usr/bin/env node
// Lints the Dockerfile with dockerfilelint (an npm dev dependency: CI has no Docker engine, so the
// image is never built there and this linter is its gate).
//
//   node scripts/lint-dockerfile.mjs [path/to/Dockerfile]      (default: ./Dockerfile)
//
// Exits 0 with no finding, 1 on any finding, 2 when the file cannot be read. dockerfilelint's own CLI
// exits with the number of findings (which wraps at 256) and lints its argument as Dockerfile text
// when the path does not exist, so a missing file would not fail the build; this wrapper does.
// A .dockerfilelintrc next to the Dockerfile is honoured, as with the CLI.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";

const require = createRequire(import.meta.url);
/** @type {{ run(configDir: string, content: string): Array<{ line: number; rule: string; title: string; description: string; category?: string }> }} */
const dockerfilelint = require("dockerfilelint");

const file = resolve(process.argv[2] ?? "Dockerfile");
let content;
try {
  content = readFileSync(file, "utf8");
} catch (error) {
  console.error(`lint-dockerfile: cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  process.exit(2);
}

const findings = dockerfilelint.run(dirname(file), content);
const lines = content.split(/\r?\n/);
for (const finding of findings) {
  const source = (lines[finding.line - 1] ?? "").trim();
  console.error(`${file}:${finding.line}: [${finding.rule}] ${finding.title}\n    ${source}`);
}
if (findings.length > 0) {
  console.error(`lint-dockerfile: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log(`lint-dockerfile: ${file} has no findings`);
