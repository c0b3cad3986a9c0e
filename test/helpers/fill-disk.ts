import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { onTestFinished } from "vitest";

/**
 * A small file system of its own (a tmpfs, mounted for the test: the tests run as root, as CI
 * does) for a database that a test then fills to the last byte, so SQLite fails with
 * SQLITE_FULL exactly as on a full disk.
 */
export function smallDisk(): { dir: string; fill(db: Database): () => void } {
  const dir = mkdtempSync(join(tmpdir(), "warden-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=32m", "tmpfs", dir]);
  onTestFinished(() => {
    execFileSync("umount", ["-l", dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    fill(db) {
      // An empty WAL: the next write must take new blocks (a WAL reuses the room it already has).
      db.pragma("wal_checkpoint(TRUNCATE)");
      const filler = join(dir, "filler");
      const fd = openSync(filler, "w");
      const block = Buffer.alloc(64 * 1024);
      try {
        for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
          try {
            for (;;) writeSync(fd, block, 0, size);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
      return () => rmSync(filler);
    },
  };
}
