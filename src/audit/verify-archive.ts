import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { AuditCheckpoint } from "../store/audit-archive.js";
import { GENESIS, hashOf } from "../store/audit-log.js";
import type { Repository } from "../store/store.js";
import type { ExportedAuditEntry } from "./export-audit.js";

export type ArchiveCheck =
  | { ok: true; entries: number; checkpoint: AuditCheckpoint }
  | { ok: false; reason: string };

/**
 * Checks an archive written by `warden audit --archive` against the database: every entry's hash
 * recomputed from its fields and the previous hash (as audit-log.ts chains them), the entries
 * contiguous, starting where the chain started (or the previous archive ended), and ending at a
 * recorded checkpoint (its last id and hash, its count, and the file's SHA-256). The file is read
 * line by line, never whole.
 */
export async function verifyAuditArchive(audit: Repository<"audit">, file: string): Promise<ArchiveCheck> {
  const fileHash = createHash("sha256");
  const stream = createReadStream(file);
  stream.on("data", (chunk) => fileHash.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let first: ExportedAuditEntry | undefined;
  let last: ExportedAuditEntry | undefined;
  let entries = 0;
  let problem: string | undefined;
  try {
    for await (const line of lines) {
      if (problem !== undefined || line === "") continue;
      entries += 1;
      const entry = parseEntry(line);
      if (!entry) {
        problem = `line ${entries} is not an audit entry of an export`;
        continue;
      }
      if (last && (entry.prevHash !== last.hash || entry.id <= last.id)) {
        problem = `entry #${entry.id} does not follow entry #${last.id}`;
        continue;
      }
      const recomputed = hashOf(entry.prevHash, {
        at: entry.at,
        event: entry.event,
        actor: entry.actor,
        subject: entry.subject,
        detail: JSON.stringify(entry.detail),
      });
      if (recomputed !== entry.hash) problem = `entry #${entry.id} was changed (its hash does not match)`;
      first ??= entry;
      last = entry;
    }
  } catch (error) {
    return {
      ok: false,
      reason: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (problem !== undefined) return { ok: false, reason: problem };
  if (!first || !last) return { ok: false, reason: "the file holds no audit entries" };
  const sha256 = fileHash.digest("hex");
  const checkpoints = await audit.listAuditCheckpoints();
  const checkpoint = checkpoints.find((c) => c.throughId === last.id && c.throughHash === last.hash);
  if (!checkpoint) {
    return { ok: false, reason: `no checkpoint in the database ends at entry #${last.id} with its hash` };
  }
  if (
    checkpoint.archiveSha256 !== sha256 ||
    checkpoint.entries !== entries ||
    checkpoint.firstId !== first.id
  ) {
    return {
      ok: false,
      reason: `the file is not the archive checkpoint ${checkpoint.id} recorded (${checkpoint.entries} entries from #${checkpoint.firstId}, SHA-256 ${checkpoint.archiveSha256})`,
    };
  }
  const starts =
    first.prevHash === GENESIS ||
    checkpoints.some((c) => c.throughId < first.id && c.throughHash === first.prevHash);
  if (!starts) return { ok: false, reason: `entry #${first.id} follows no entry the database knows of` };
  return { ok: true, entries, checkpoint };
}

function parseEntry(line: string): ExportedAuditEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<ExportedAuditEntry>;
    const ok =
      value.type === "audit" &&
      typeof value.id === "number" &&
      typeof value.at === "string" &&
      typeof value.event === "string" &&
      typeof value.prevHash === "string" &&
      typeof value.hash === "string" &&
      typeof value.detail === "object" &&
      value.detail !== null;
    return ok ? (value as ExportedAuditEntry) : undefined;
  } catch {
    return undefined;
  }
}
