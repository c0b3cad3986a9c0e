import { UsageError } from "../errors.js";
import type { Repository } from "../store/store.js";
import { type AuditExportFormat, exportAudit } from "./export-audit.js";

export interface AuditCommandArgs {
  since?: string | undefined;
  format?: string | undefined;
  verify?: boolean | undefined;
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
export function parseSince(text: string): Date {
  const bad = () => new UsageError(`--since "${text}" is not a date. Use ${SINCE_FORMS}.`);
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
 * `warden audit [--since DATE] [--format json|csv] [--verify]`. Exports decisions and the audit log
 * to `io.write`, or with `--verify` checks the audit log's hash chain. Returns the exit code:
 * 0 done (or chain intact), 1 chain broken. Wrong arguments throw UsageError.
 */
export async function runAuditCommand(
  audit: Repository<"audit">,
  args: AuditCommandArgs,
  io: { write(s: string): void },
): Promise<number> {
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
