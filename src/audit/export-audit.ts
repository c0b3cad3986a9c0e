import type { AuditExportRow, DecisionExportRow } from "../store/audit-export-rows.js";
import type { AccountValues } from "../store/decisions.js";
import type { Repository } from "../store/store.js";
import { csvRow } from "./csv.js";

export type AuditExportFormat = "json" | "csv";

export interface AuditExportOptions {
  /** Only decisions and entries at or after this instant. */
  since?: Date | undefined;
  format: AuditExportFormat;
}

/** One decision, as a JSON line. Absent values are null, so every line has the same keys. */
export interface ExportedDecision {
  type: "decision";
  id: number;
  /** When the decision was taken (ISO 8601, UTC). */
  at: string;
  action: string;
  outcome: string;
  mode: string;
  actorPlatform: string;
  actorId: string;
  actorEmail: string | null;
  /** `source:accountId`, as audit entries name it. */
  subject: string;
  source: string;
  accountId: string;
  /** The account's user name, when warden knows the account. */
  userName: string | null;
  before: AccountValues | null;
  after: AccountValues | null;
  reason: string | null;
  expiresAt: string | null;
  undoesDecisionId: number | null;
  error: string | null;
}

/** One audit log entry, as a JSON line; prevHash/hash let an auditor re-check the chain. */
export interface ExportedAuditEntry {
  type: "audit";
  id: number;
  at: string;
  event: string;
  /** The event's last dotted segment ("decision.refused" → "refused", "message.sent" → "sent"). */
  outcome: string;
  /** The actor as recorded, e.g. `slack:U123 <ann@acme.example>` or `warden`. */
  actor: string | null;
  actorPlatform: string | null;
  actorId: string | null;
  actorEmail: string | null;
  subject: string | null;
  userName: string | null;
  /** The action attempted, for decision entries. */
  action: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type ExportedRecord = ExportedDecision | ExportedAuditEntry;

export const CSV_COLUMNS = [
  "type",
  "id",
  "at",
  "event_or_action",
  "actor_platform",
  "actor_id",
  "actor_email",
  "subject",
  "user_name",
  "action",
  "outcome",
  "before",
  "after",
  "reason",
  "expires_at",
  "error",
  "detail",
] as const;

/** Output is handed to `write` in chunks of about this size, never as one string. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams decisions (by id), then audit log entries (in chain order), at or after `since`, as JSON
 * lines or CSV. Rows are iterated, never loaded all at once, and output goes to `write` in chunks of
 * about 64 KB. Both queries run in one read transaction, so the export is one consistent snapshot.
 * `write` must not use the store (the SQLite connection is busy while rows are iterated).
 */
export async function exportAudit(
  audit: Repository<"audit">,
  options: AuditExportOptions,
  write: (chunk: string) => void,
): Promise<{ decisions: number; entries: number }> {
  const out = chunked(write);
  const emit =
    options.format === "csv"
      ? (record: ExportedRecord) => out.push(csvRow(toCsvValues(record)))
      : (record: ExportedRecord) => out.push(`${JSON.stringify(record)}\n`);
  const counts = { decisions: 0, entries: 0 };

  if (options.format === "csv") out.push(csvRow(CSV_COLUMNS));
  await audit.readAuditExportRows(options.since, {
    decision(row) {
      emit(toExportedDecision(row));
      counts.decisions += 1;
    },
    entry(row) {
      emit(toExportedEntry(row));
      counts.entries += 1;
    },
  });
  out.flush();
  return counts;
}

function chunked(write: (chunk: string) => void) {
  let buffer = "";
  return {
    push(text: string) {
      buffer += text;
      if (buffer.length >= CHUNK_CHARS) {
        write(buffer);
        buffer = "";
      }
    },
    flush() {
      if (buffer !== "") write(buffer);
      buffer = "";
    },
  };
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function toExportedDecision(row: DecisionExportRow): ExportedDecision {
  return {
    type: "decision",
    id: row.id,
    at: row.decided_at,
    action: row.action,
    outcome: row.outcome,
    mode: row.mode,
    actorPlatform: row.actor_platform,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    subject: `${row.source}:${row.account_id}`,
    source: row.source,
    accountId: row.account_id,
    userName: row.user_name,
    before: parseJson<AccountValues>(row.before_values),
    after: parseJson<AccountValues>(row.after_values),
    reason: row.reason,
    expiresAt: row.expires_at,
    undoesDecisionId: row.undoes_decision_id,
    error: row.error,
  };
}

/**
 * Actors are recorded as `platform:id <email>` (chat users; Teams ids contain colons themselves,
 * so only the first colon splits) or as a bare name such as `warden`.
 */
export function parseActor(actor: string | null): {
  platform: string | null;
  id: string | null;
  email: string | null;
} {
  if (actor === null) return { platform: null, id: null, email: null };
  const match = /^([a-z][a-z0-9_-]*):(.+?)(?: <([^<>]*)>)?$/i.exec(actor);
  if (!match) return { platform: null, id: actor, email: null };
  return { platform: match[1] ?? null, id: match[2] ?? null, email: match[3] ?? null };
}

/** One audit-log row as the export (and an archive: archive-audit.ts) writes it. */
export function toExportedEntry(row: AuditExportRow): ExportedAuditEntry {
  const parsed = parseJson<unknown>(row.detail);
  // A tampered row may hold anything; export it as found rather than fail the whole export.
  const detail =
    parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { unparsed: row.detail };
  const actor = parseActor(row.actor);
  return {
    type: "audit",
    id: row.id,
    at: row.at,
    event: row.event,
    outcome: row.event.slice(row.event.lastIndexOf(".") + 1),
    actor: row.actor,
    actorPlatform: actor.platform,
    actorId: actor.id,
    actorEmail: actor.email,
    subject: row.subject,
    userName: row.user_name,
    action: typeof detail.action === "string" ? detail.action : null,
    detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A value for a CSV cell: strings as they are, anything else as JSON, absent as empty. */
function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number") return value;
  return JSON.stringify(value);
}

function toCsvValues(record: ExportedRecord): (string | number | null)[] {
  if (record.type === "decision") {
    return [
      record.type,
      record.id,
      record.at,
      record.action,
      record.actorPlatform,
      record.actorId,
      record.actorEmail,
      record.subject,
      record.userName,
      record.action,
      record.outcome,
      cell(record.before),
      cell(record.after),
      record.reason,
      record.expiresAt,
      record.error,
      JSON.stringify({ mode: record.mode, undoesDecisionId: record.undoesDecisionId }),
    ];
  }
  const { detail } = record;
  return [
    record.type,
    record.id,
    record.at,
    record.event,
    record.actorPlatform,
    record.actorId,
    record.actorEmail,
    record.subject,
    record.userName,
    record.action,
    record.outcome,
    cell(detail.before),
    cell(detail.after),
    cell(detail.reason),
    cell(detail.expiresAt),
    cell(detail.error),
    JSON.stringify(detail),
  ];
}
