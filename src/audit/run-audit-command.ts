import { UsageError } from "../errors.js";
import type { Repository } from "../store/store.js";
import { archiveAudit } from "./archive-audit.js";
import { type AuditExportFormat, exportAudit } from "./export-audit.js";
import { verifyAuditArchive } from "./verify-archive.js";

export interface AuditCommandArgs {
  since?: string | undefined;
  format?: string | undefined;
  verify?: boolean | undefined;
  /** `--archive FILE`: move the entries before `before` to FILE, leaving a checkpoint. */
  archive?: string | undefined;
  /** `--before DATE` (with --archive; default: WARDEN_RETENTION_DAYS ago). */
  before?: string | undefined;
  /** `--verify-archive FILE`: check an archive against its checkpoint. */
  verifyArchive?: string | undefined;
}

export interface AuditCommandContext {
  now: Date;
  /** WARDEN_RETENTION_DAYS: --archive without --before takes the entries older than this. */
  retentionDays: number;
}

const FORMATS: readonly AuditExportFormat[] = ["json", "csv"];

const SINCE_FORMS =
  "YYYY-MM-DD (from 00:00 UTC that day), or an ISO 8601 date-time such as 2026-11-23T14:30Z, " +
  "2026-11-23T14:30:00.000Z or 2026-11-23T14:30:00+01:00 (without an offset it is UTC)";

const SINCE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

/**
 * Parses `--since`: a calendar date (midnight UTC; stored times are UTC) or an ISO 8601 date-time.
 * Impossible dates such as 2026-02-30 are refused rather than rolled over into March.
 */
export function parseSince(text: string, flag = "--since"): Date {
  const bad = () => new UsageError(`${flag} "${text}" is not a date. Use ${SINCE_FORMS}.`);
  const m = SINCE_PATTERN.exec(text.trim());
  if (!m) throw bad();
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", offset, oh = "00", om = "00"] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59 ||
    Number(oh) > 23 ||
    Number(om) > 59
  ) {
    throw bad();
  }
  // Date.parse takes at most milliseconds; finer digits are dropped (the log stores milliseconds).
  const millis = fraction === "" ? "" : fraction.slice(0, 4).padEnd(4, "0");
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${millis}${offset ?? "Z"}`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw bad();
  return at;
}

/**
 * `warden audit [--since DATE] [--format json|csv] [--verify]`, `warden audit --archive FILE
 * [--before DATE]`, `warden audit --verify-archive FILE`. Exports decisions and the audit log to
 * `io.write`, or with `--verify` checks the audit log's hash chain, or archives its oldest entries,
 * or checks an archive. Returns the exit code: 0 done (or chain / archive intact), 1 broken.
 * Wrong arguments throw UsageError.
 */
export async function runAuditCommand(
  audit: Repository<"audit">,
  args: AuditCommandArgs,
  io: { write(s: string): void },
  context: AuditCommandContext = { now: new Date(), retentionDays: 400 },
): Promise<number> {
  const modes = [args.verify, args.archive !== undefined, args.verifyArchive !== undefined].filter(Boolean);
  if (modes.length > 1) {
    throw new UsageError(
      "warden audit takes one of --verify, --archive FILE and --verify-archive FILE at a time.",
    );
  }
  if (args.before !== undefined && args.archive === undefined) {
    throw new UsageError("--before goes with --archive FILE (to export from a date, use --since).");
  }
  if (args.archive !== undefined || args.verifyArchive !== undefined) {
    if (args.since !== undefined || args.format !== undefined) {
      throw new UsageError(
        "an archive is always every entry up to --before, as JSON lines: --since and --format do not apply.",
      );
    }
  }
  if (args.archive !== undefined) return archive(audit, args.archive, args.before, io, context);
  if (args.verifyArchive !== undefined) {
    const check = await verifyAuditArchive(audit, args.verifyArchive);
    if (check.ok) {
      const c = check.checkpoint;
      io.write(
        `archive ${args.verifyArchive} intact: ${check.entries} entries (#${c.firstId}–#${c.throughId}), as recorded on ${c.createdAt.toISOString()}; last hash ${c.throughHash}\n`,
      );
      return 0;
    }
    io.write(`archive ${args.verifyArchive} does not match the audit log: ${check.reason}\n`);
    return 1;
  }
  if (args.verify) {
    if (args.since !== undefined || args.format !== undefined) {
      throw new UsageError(
        "warden audit --verify checks the whole chain and takes no --since or --format; run the export separately.",
      );
    }
    const result = await audit.verifyAuditChain();
    if (result.ok) {
      io.write(`audit log intact: ${result.entries} entries\n`);
      return 0;
    }
    io.write(
      `audit log broken at entry #${result.brokenAt} (${result.entries} entries checked): the entry or the one before it was changed or removed\n`,
    );
    return 1;
  }
  const format = (args.format ?? "json").trim().toLowerCase();
  if (!FORMATS.includes(format as AuditExportFormat)) {
    throw new UsageError(
      `--format "${args.format}" is not supported: use json (JSON lines, the default) or csv.`,
    );
  }
  const since = args.since !== undefined ? parseSince(args.since) : undefined;
  await exportAudit(audit, { since, format: format as AuditExportFormat }, (chunk) => io.write(chunk));
  return 0;
}

async function archive(
  audit: Repository<"audit">,
  file: string,
  beforeText: string | undefined,
  io: { write(s: string): void },
  context: AuditCommandContext,
): Promise<number> {
  if (file.trim() === "") throw new UsageError("--archive needs a file name.");
  const before =
    beforeText !== undefined
      ? parseSince(beforeText, "--before")
      : new Date(context.now.getTime() - context.retentionDays * 86_400_000);
  if (before > context.now) throw new UsageError(`--before ${beforeText} is in the future.`);
  const result = await archiveAudit(audit, { file, before, now: context.now });
  if (!result.plan) {
    io.write(
      `no audit entries before ${before.toISOString()} left to archive${result.removed > 0 ? ` (removed ${result.removed} entries an interrupted archive had left)` : ""}; ${file} was not written\n`,
    );
    return 0;
  }
  const { plan } = result;
  io.write(
    [
      `archived ${plan.entries} audit entries (#${plan.firstId}–#${plan.throughId}, before ${before.toISOString()}) to ${file}`,
      `archive SHA-256: ${result.sha256}`,
      `last archived entry's hash: ${plan.throughHash}`,
      `audit log head hash: ${result.headHash} (keep it outside warden's database)`,
      `check them with: warden audit --verify, and warden audit --verify-archive ${file}`,
      "",
    ].join("\n"),
  );
  return 0;
}
