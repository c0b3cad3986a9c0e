import { createHash } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError, WardenError } from "../errors.js";
import type { AuditArchivePlan } from "../store/audit-archive.js";
import type { Repository } from "../store/store.js";
import { toExportedEntry } from "./export-audit.js";

export interface ArchiveResult {
  /** Undefined when no entry was old enough. */
  plan: AuditArchivePlan | undefined;
  sha256: string | undefined;
  /** The newest entry's hash after the archive (the `audit.archived` entry): keep it elsewhere. */
  headHash: string | undefined;
  /** Entries removed from the database (those of this archive, and any an interrupted one left). */
  removed: number;
}

const REMOVE_BATCH = 5000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `warden audit --archive FILE --before DATE`: moves the oldest audit entries (those before `before`,
 * not archived yet) to FILE, as JSON lines in the export's format, then replaces them in the
 * database by a checkpoint. In this order, so that a crash or a full disk at any step loses nothing:
 * 1. the chain is verified (a broken chain is not archived: its evidence stays where it is);
 * 2. FILE is written beside itself under a temporary name, flushed to disk (fsync), then linked to
 *    its name, which fails rather than overwrite an existing file; the directory is flushed too;
 * 3. the checkpoint and an `audit.archived` entry are recorded in one transaction;
 * 4. the archived entries are removed in batches, newest first (an interrupted removal is finished
 *    by the next archive; the chain verifies at every point in between).
 * A failure before 3 leaves the database untouched (and no FILE); after 3, FILE is complete.
 */
export async function archiveAudit(
  audit: Repository<"audit">,
  options: { file: string; before: Date; now: Date },
): Promise<ArchiveResult> {
  const chain = await audit.verifyAuditChain();
  if (!chain.ok) {
    throw new WardenError(
      "E_AUDIT_BROKEN",
      `the audit log is broken at entry #${chain.brokenAt}; it is not archived (warden audit --verify).`,
    );
  }
  let removed = await removeArchived(audit);
  const plan = await audit.planAuditArchive(options.before);
  if (!plan) return { plan: undefined, sha256: undefined, headHash: undefined, removed };
  const sha256 = await writeArchive(audit, plan, options.file);
  const { headHash } = await audit.recordAuditCheckpoint(plan, {
    file: options.file,
    sha256,
    at: options.now,
  });
  removed += await removeArchived(audit);
  return { plan, sha256, headHash, removed };
}

async function removeArchived(audit: Repository<"audit">): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await audit.removeArchivedAudit(REMOVE_BATCH);
    total += removed;
    if (removed < REMOVE_BATCH) return total;
    await yieldToEventLoop();
  }
}

/** Writes the entries of `plan` to `file` durably and without overwriting; returns the file's SHA-256. */
async function writeArchive(
  audit: Repository<"audit">,
  plan: AuditArchivePlan,
  file: string,
): Promise<string> {
  const partial = `${file}.partial-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(partial, "wx");
  } catch (error) {
    throw new UsageError(`cannot write the archive next to ${file}: ${messageOf(error)}`);
  }
  const hash = createHash("sha256");
  let buffer = "";
  const flush = () => {
    if (buffer === "") return;
    const bytes = Buffer.from(buffer);
    hash.update(bytes);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    buffer = "";
  };
  try {
    await audit.readAuditEntries(plan, (row) => {
      buffer += `${JSON.stringify(toExportedEntry(row))}\n`;
      if (buffer.length >= 64 * 1024) flush();
    });
    flush();
    // Durable before the database lets the entries go: https://man7.org/linux/man-pages/man2/fsync.2.html
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    try {
      linkSync(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw new UsageError(
          `${file} already exists; warden audit --archive never overwrites a file: name a new one.`,
        );
      }
      throw error;
    }
    unlinkSync(partial);
    syncDirectory(dirname(file));
    return hash.digest("hex");
  } catch (error) {
    if (fd !== -1) closeSync(fd);
    try {
      unlinkSync(partial);
    } catch {
      // Already gone (linked and removed) or never there.
    }
    throw error;
  }
}

/** The new name is durable once its directory is flushed (a crash could otherwise lose the link). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the file itself is flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
