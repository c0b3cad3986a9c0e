import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * No Docker engine runs in CI, so the image is never built there. These tests are its gate: the
 * Dockerfile must pass dockerfilelint with no finding, and it must have the shape issue 5 asks for
 * (multi-stage, production dependencies only, non-root, /data volume, health check, `warden serve`).
 */

const ROOT = join(import.meta.dirname, "../..");
const DOCKERFILE = join(ROOT, "Dockerfile");
const DOCKERIGNORE = join(ROOT, ".dockerignore");
const LINT_SCRIPT = join(ROOT, "scripts/lint-dockerfile.mjs");
const DOCKERFILELINT_BIN = join(ROOT, "node_modules/dockerfilelint/bin/dockerfilelint");

const run = promisify(execFile);

interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY, ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with spaces. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions: comments and blank lines dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { text: `${pending.text} ${part}`, line: pending.line }
      : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match)
      instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: pending.line });
    pending = undefined;
  });
  return instructions;
}

/** Groups instructions by FROM. Instructions before the first FROM (global ARGs) are returned apart. */
function splitStages(instructions: Instruction[]): { globalArgs: Instruction[]; stages: Stage[] } {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({ from: from!, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** Parses the exec (JSON array) form of CMD, ENTRYPOINT or HEALTHCHECK ... CMD. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  expect(Array.isArray(parsed), `expected the exec form (a JSON array): ${args}`).toBe(true);
  return parsed as string[];
}

/** Patterns of .dockerignore, without comments, blank lines, leading "/" or trailing "/". */
function dockerignorePatterns(): string[] {
  return readFileSync(DOCKERIGNORE, "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.replace(/^\/+/, "").replace(/\/+$/, ""));
}

const dockerfileText = readFileSync(DOCKERFILE, "utf8");
const { globalArgs, stages } = splitStages(parseDockerfile(dockerfileText));
const finalStage = stages.at(-1)!;
const buildStages = stages.slice(0, -1);

describe("Dockerfile lint", () => {
  it("passes dockerfilelint (CLI, JSON output) with no finding", async () => {
    // dockerfilelint's CLI exits with the number of findings, so a non-zero exit rejects here with the
    // JSON report in the error's stdout.
    const result = await run(process.execPath, [DOCKERFILELINT_BIN, "--json", DOCKERFILE], {
      cwd: ROOT,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(result.stdout) as {
      totalIssues: number;
      files: { file: string; issues: { line: string; title: string; content: string }[] }[];
    };
    const issues = report.files.flatMap((f) =>
      f.issues.map((i) => `line ${i.line}: ${i.title}: ${i.content}`),
    );
    expect(issues).toEqual([]);
    expect(report.totalIssues).toBe(0);
  });

  it("passes scripts/lint-dockerfile.mjs (what `npm run lint:docker` runs)", () => {
    const result = spawnSync(process.execPath, [LINT_SCRIPT], { cwd: ROOT, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("the lint script fails on a Dockerfile with findings, and on a missing file", () => {
    // Proves the linter is live: a passing run above is not an empty check.
    const dir = mkdtempSync(join(tmpdir(), "warden-dockerfile-"));
    try {
      const bad = join(dir, "Dockerfile");
      writeFileSync(bad, "FROM node:latest\nRUN apt-get update && apt-get install python3\n");
      const failed = spawnSync(process.execPath, [LINT_SCRIPT, bad], { cwd: ROOT, encoding: "utf8" });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain("latest_tag");
      expect(failed.stderr).toContain("apt-get_recommends");
      expect(failed.stderr).toContain("apt-get_missing_rm");

      const missing = spawnSync(process.execPath, [LINT_SCRIPT, join(dir, "nope")], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(missing.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Dockerfile structure", () => {
  it("is multi-stage, every stage on the same pinned node bookworm-slim image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // One image reference for all stages: better-sqlite3 is compiled for the build stage's Node ABI.
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
    const from = stages[0]!.from;
    expect(from).toMatch(/^node:[^:@\s]+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);

    // The version is either written in the FROM line or a global ARG default: an exact Node 20 minor
    // (or patch), never "latest", "lts" or a bare major.
    const argMatch = /\$\{?(\w+)\}?/.exec(from);
    let version = /^node:([^-]+)-/.exec(from)?.[1];
    if (argMatch) {
      const arg = globalArgs.find((i) => i.keyword === "ARG" && i.args.startsWith(`${argMatch[1]}=`));
      expect(arg, `global ARG ${argMatch[1]} with a default`).toBeDefined();
      version = arg!.args.split("=")[1];
    }
    expect(version).toMatch(/^20\.\d+(\.\d+)?$/);
  });

  it("names the build stage the final stage copies from", () => {
    const names = buildStages.map((s) => s.name);
    const sources = argsOf(finalStage, "COPY")
      .map((args) => /--from=(\S+)/.exec(args)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(names).toContain(source);
  });

  it("installs dependencies with npm ci (never npm install) and builds with the toolchain in the build stage", () => {
    const allRuns = stages.flatMap((s) => argsOf(s, "RUN"));
    expect(allRuns.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    for (const r of allRuns) expect(r).not.toMatch(/\bnpm (install|i|add)\b/);

    const buildRuns = buildStages.flatMap((s) => argsOf(s, "RUN")).join("\n");
    for (const tool of ["python3", "make", "g++"]) expect(buildRuns).toContain(tool);
    expect(buildRuns).toMatch(/\bnpm run build\b/);
    // Production dependencies only reach the runtime: pruned after the build, or a separate install.
    expect(buildRuns).toMatch(/npm prune --omit=dev|npm ci [^\n]*--omit=dev/);
  });

  it("installs no compiler or package in the final stage and runs nothing that needs one", () => {
    const finalRuns = argsOf(finalStage, "RUN").join("\n");
    expect(finalRuns).not.toMatch(/\b(apt-get|apt|apk|dnf|yum)\b/);
    expect(finalRuns).not.toMatch(/\b(g\+\+|gcc|make|python3?|build-essential|node-gyp)\b/);
    expect(finalRuns).not.toMatch(/\bnpm\b/);
    // node_modules comes from the build stage, already compiled and pruned.
    expect(argsOf(finalStage, "COPY").some((args) => /--from=\S+\s+\S*node_modules/.test(args))).toBe(true);
  });

  it("runs as a non-root user in the final stage", () => {
    const users = argsOf(finalStage, "USER");
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.split(":")[0];
    expect(["root", "0", ""]).not.toContain(user);
  });

  it("keeps the database on a /data volume owned by that user", () => {
    const volumeIndex = finalStage.instructions.findIndex((i) => i.keyword === "VOLUME");
    expect(volumeIndex).toBeGreaterThanOrEqual(0);
    const volume = finalStage.instructions[volumeIndex]!.args;
    const volumes = volume.startsWith("[") ? execForm(volume) : volume.split(/\s+/);
    expect(volumes).toContain("/data");

    const env = argsOf(finalStage, "ENV").join(" ");
    expect(env).toMatch(/\bWARDEN_DB=\/data\/\S+/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);

    // Ownership must be set before VOLUME: later changes to a volume path are discarded.
    const user = argsOf(finalStage, "USER").at(-1)!.split(":")[0]!;
    const chownBefore = finalStage.instructions
      .slice(0, volumeIndex)
      .some(
        (i) =>
          i.keyword === "RUN" && new RegExp(`chown\\s+(-R\\s+)?${user}(:\\S+)?\\s+/data\\b`).test(i.args),
      );
    expect(chownBefore).toBe(true);
  });

  it("exposes 3000 and checks health with node itself against /healthz on PORT", () => {
    expect(argsOf(finalStage, "EXPOSE")).toContain("3000");
    const healthchecks = argsOf(finalStage, "HEALTHCHECK");
    expect(healthchecks).toHaveLength(1);
    const command = /\bCMD\s+(.*)$/s.exec(healthchecks[0]!)?.[1];
    expect(command).toBeDefined();
    const argv = execForm(command!);
    expect(argv[0]).toBe("node"); // slim images have no curl or wget
    expect(argv.join(" ")).toContain("/healthz");
    expect(argv.join(" ")).toContain("127.0.0.1");
    expect(argv.join(" ")).toMatch(/PORT/);
  });

  it("starts `warden serve` through the package's bin", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: { warden: string } };
    const entrypoints = argsOf(finalStage, "ENTRYPOINT");
    expect(entrypoints).toHaveLength(1);
    expect(execForm(entrypoints[0]!)).toEqual(["node", pkg.bin.warden]);
    const cmds = argsOf(finalStage, "CMD");
    expect(cmds).toHaveLength(1);
    expect(execForm(cmds[0]!)).toEqual(["serve"]);
  });

  it("copies only files that exist and that .dockerignore lets into the build context", () => {
    const patterns = dockerignorePatterns();
    const sources = stages
      .flatMap((s) => argsOf(s, "COPY"))
      .filter((args) => !args.includes("--from="))
      .flatMap((args) =>
        args
          .split(/\s+/)
          .filter((word) => !word.startsWith("--"))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
      const topLevel = source.replace(/^\.\//, "").split("/")[0]!;
      expect(patterns, `${source} is not excluded by .dockerignore`).not.toContain(topLevel);
    }
  });
});

describe(".dockerignore", () => {
  it("keeps local dependencies, builds, data, secrets and the git history out of the build context", () => {
    const patterns = dockerignorePatterns();
    for (const required of ["node_modules", ".git", "dist", "data", "coverage", ".env", "*.db"]) {
      expect(patterns, required).toContain(required);
    }
    // A negation would let something back in; nothing here needs one.
    expect(patterns.filter((p) => p.startsWith("!"))).toEqual([]);
  });
});

describe("HEALTHCHECK probe", () => {
  // Runs the exact probe from the Dockerfile against a local server, as Docker would inside the container.
  const probe = (() => {
    const command = /\bCMD\s+(.*)$/s.exec(argsOf(finalStage, "HEALTHCHECK")[0] ?? "")?.[1] ?? "[]";
    return execForm(command);
  })();
  let server: Server;
  let port: number;
  let status = 200;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? "");
      response.statusCode = status;
      response.end(status === 200 ? '{"status":"ok"}' : "down");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function runProbe(env: Record<string, string>): Promise<number> {
    // The first element is "node": run it with this Node, with only the given environment.
    return new Promise((resolve) => {
      const child = execFile(process.execPath, probe.slice(1), {
        env: { PATH: process.env.PATH ?? "", ...env },
      });
      child.on("close", (code) => resolve(code ?? -1));
    });
  }

  it("exits 0 when /healthz answers 200 on PORT", async () => {
    status = 200;
    paths.length = 0;
    expect(await runProbe({ PORT: String(port) })).toBe(0);
    expect(paths).toEqual(["/healthz"]);
  });

  it("exits 1 when /healthz answers an error", async () => {
    status = 503;
    expect(await runProbe({ PORT: String(port) })).toBe(1);
  });

  it("exits 1 when nothing listens on PORT", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await runProbe({ PORT: String(freePort) })).toBe(1);
  });
});
