import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh directory for one test's SQLite file(s), removed when the test ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "warden-test-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A path for a real SQLite file in a fresh temp directory. */
export function tempDbPath(): string {
  return join(tempDir(), "warden.db");
}
