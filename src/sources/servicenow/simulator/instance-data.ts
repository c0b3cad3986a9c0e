/**
 * The in-memory data of a simulated ServiceNow instance. Ordinary tables hold one object per
 * record with every value already a string (as the Table API serialises them). The transaction
 * log is columnar because a realistic one holds millions of rows.
 */

/** One record: field name → database value as a string ("" for empty, sys_id for references). */
export type SimRecord = Record<string, string>;

/** A table of ordinary records, kept in insertion order (the default order of the Table API). */
export interface RowTable {
  readonly kind: "rows";
  readonly name: string;
  readonly fields: readonly string[];
  /** Reference fields: field name → referenced table. */
  readonly references: Readonly<Record<string, string>>;
  readonly rows: SimRecord[];
  /** sys_id → index in `rows`. */
  readonly indexById: Map<string, number>;
}

/** HTTP methods as stored in `TransactionLog.method` (index into this list). */
export const HTTP_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Transaction types as stored in `TransactionLog.type` (index into this list). Only `rest` is a
 * documented stored value; the others follow the documented type names (List, Form, SOAP) in
 * lower case, which is UNCONFIRMED. SOAP calls are API use that `type=rest` does not count.
 */
export const TRANSACTION_TYPES = ["rest", "form", "list", "soap"] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** Fields of syslog_transaction the simulator serves. */
export const TRANSACTION_FIELDS = [
  "sys_id",
  "sys_created_on",
  "sys_created_by",
  "type",
  "url",
  "http_method",
  "response_time",
] as const;

/**
 * syslog_transaction, columnar and sorted by time (ascending). Row i's sys_id is
 * `sysIdPrefix + i` in 8 hex digits, so sys_id order is row order too.
 */
export interface TransactionLog {
  readonly kind: "transactions";
  readonly name: "syslog_transaction";
  readonly count: number;
  /** 24 hex characters shared by every row's sys_id. */
  readonly sysIdPrefix: string;
  /** Interned user_name strings (sys_created_by); `user` indexes into it. */
  readonly userNames: readonly string[];
  /** Interned URL strings; `url` indexes into it. */
  readonly urls: readonly string[];
  readonly user: Uint32Array;
  /** Epoch seconds, ascending. */
  readonly time: Uint32Array;
  readonly url: Uint32Array;
  /** Index into HTTP_METHODS. */
  readonly method: Uint8Array;
  /** Index into TRANSACTION_TYPES. */
  readonly type: Uint8Array;
  /** Milliseconds. */
  readonly responseTime: Uint16Array;
}

/** Everything a simulated instance holds. */
export interface InstanceData {
  /** The clock the data was generated against ("today" of the instance). */
  readonly now: Date;
  readonly seed: number;
  /** Ordinary tables by name (sys_user, sys_user_role, sys_user_has_role, ...). */
  readonly tables: Map<string, RowTable>;
  readonly transactions: TransactionLog;
  /**
   * Which user_names illustrate which situation, e.g. `dormant: ["svc_legacy_backup"]`.
   * Filled for the demo dataset (keys in DEMO_SCENARIOS); empty for scaled data.
   */
  readonly scenarios: Readonly<Record<string, readonly string[]>>;
}

/** Field lists and references of the ordinary tables. */
export const ROW_TABLE_SCHEMAS: Readonly<
  Record<string, { fields: readonly string[]; references: Readonly<Record<string, string>> }>
> = {
  sys_user: {
    fields: [
      "sys_id",
      "user_name",
      "name",
      "email",
      "manager",
      "active",
      "locked_out",
      "web_service_access_only",
      "internal_integration_user",
      "last_login_time",
      "sys_created_on",
      "sys_updated_on",
    ],
    references: { manager: "sys_user" },
  },
  sys_user_role: { fields: ["sys_id", "name", "elevated_privilege"], references: {} },
  /**
   * `inherited` is true for a role that comes from a group (`granted_by`, deprecated by Role
   * Management V2 but still filled here) or a containing role; direct grants have it false.
   */
  sys_user_has_role: {
    fields: ["sys_id", "user", "role", "inherited", "granted_by"],
    references: { user: "sys_user", role: "sys_user_role", granted_by: "sys_user_group" },
  },
  sys_user_group: { fields: ["sys_id", "name"], references: {} },
  sys_user_login_history: {
    fields: ["sys_id", "user", "sys_created_on", "status", "type"],
    references: { user: "sys_user" },
  },
  sys_user_basic_auth_exception: {
    fields: ["sys_id", "user", "decision", "action_taken", "last_seen", "usage_count", "source"],
    references: { user: "sys_user" },
  },
  oauth_credential: {
    fields: ["sys_id", "user", "type", "sys_created_on", "expires"],
    references: { user: "sys_user" },
  },
};

/** An empty table with the schema of `name` (which must be in ROW_TABLE_SCHEMAS). */
export function createRowTable(name: string): RowTable {
  const schema = ROW_TABLE_SCHEMAS[name];
  if (!schema) throw new Error(`No schema for table ${name}`);
  return {
    kind: "rows",
    name,
    fields: schema.fields,
    references: schema.references,
    rows: [],
    indexById: new Map(),
  };
}

/** Appends a record; missing fields become "" so every record has every field. */
export function insertRow(table: RowTable, values: SimRecord): SimRecord {
  const record: SimRecord = {};
  for (const field of table.fields) record[field] = values[field] ?? "";
  const sysId = record.sys_id ?? "";
  table.indexById.set(sysId, table.rows.length);
  table.rows.push(record);
  return record;
}

/** The sys_id of transaction row `index`. */
export function transactionSysId(log: TransactionLog, index: number): string {
  return log.sysIdPrefix + index.toString(16).padStart(8, "0");
}

/** The row index of a transaction sys_id, or undefined when it is not one of `log`'s. */
export function transactionIndexOf(log: TransactionLog, sysId: string): number | undefined {
  if (sysId.length !== 32 || !sysId.startsWith(log.sysIdPrefix)) return undefined;
  const suffix = sysId.slice(24);
  if (!/^[0-9a-f]{8}$/.test(suffix)) return undefined;
  const index = Number.parseInt(suffix, 16);
  return index < log.count ? index : undefined;
}
