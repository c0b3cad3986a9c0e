/**
 * A uniform read view over record tables and the columnar transaction log: field access by
 * (possibly dot-walked) path, sys_id lookup, and the hints the query planner uses.
 */
import type { RowAccess } from "./encoded-query.js";
import { formatGlideDateTime } from "./glide-date-time.js";
import {
  HTTP_METHODS,
  type InstanceData,
  type RowTable,
  type SimRecord,
  TRANSACTION_FIELDS,
  TRANSACTION_TYPES,
  type TransactionLog,
  transactionIndexOf,
  transactionSysId,
} from "./instance-data.js";

/** Reads one field of one row. */
export type FieldAccessor = (row: number) => string;

/** A field stored as small integer codes (interned strings), for fast grouping. */
export interface FieldCodes {
  cardinality: number;
  code(row: number): number;
  decode(code: number): string;
}

export interface TableView extends RowAccess {
  readonly name: string;
  /** Own field names (no dot-walks), in output order. */
  readonly fields: readonly string[];
  size(): number;
  /** A fast accessor for `path`, or undefined when the path is not a field. */
  accessor(path: string): FieldAccessor | undefined;
  /** The table a path's last segment references, when it is a reference field. */
  referenceTarget(path: string): string | undefined;
  rowOf(sysId: string): number | undefined;
  /** All own fields of one row (used by ACL predicates and PATCH). */
  record(row: number): SimRecord;
  /** The underlying record when the table is a record table (PATCH writes into it). */
  mutableRecord(row: number): SimRecord | undefined;
  /** Fields whose ascending order is row order (so ORDERBY on them needs no sort). */
  readonly naturalOrder: ReadonlySet<string>;
  /** For time-sorted tables: the time field (its max/min are the last/first matching row). */
  readonly timeField?: string | undefined;
  /** Integer codes of a field, where the storage has them (columnar tables). */
  codes(path: string): FieldCodes | undefined;
}

/** Views over every table of `data`, by table name. */
export function createViews(data: InstanceData): Map<string, TableView> {
  const views = new Map<string, TableView>();
  const resolve = (name: string): TableView | undefined => views.get(name);
  for (const table of data.tables.values()) views.set(table.name, new RecordTableView(table, resolve));
  views.set(data.transactions.name, new TransactionLogView(data.transactions));
  return views;
}

abstract class BaseView implements TableView {
  abstract readonly name: string;
  abstract readonly fields: readonly string[];
  readonly naturalOrder: ReadonlySet<string> = new Set<string>();
  readonly timeField: string | undefined = undefined;
  private readonly cache = new Map<string, FieldAccessor | null>();

  abstract size(): number;
  abstract rowOf(sysId: string): number | undefined;
  abstract referenceTarget(path: string): string | undefined;
  abstract mutableRecord(row: number): SimRecord | undefined;
  protected abstract buildAccessor(path: string): FieldAccessor | undefined;

  accessor(path: string): FieldAccessor | undefined {
    let cached = this.cache.get(path);
    if (cached === undefined) {
      cached = this.buildAccessor(path) ?? null;
      this.cache.set(path, cached);
    }
    return cached ?? undefined;
  }

  codes(_path: string): FieldCodes | undefined {
    return undefined;
  }

  hasField(path: string): boolean {
    return this.accessor(path) !== undefined;
  }

  get(row: number, path: string): string {
    const accessor = this.accessor(path);
    return accessor ? accessor(row) : "";
  }

  record(row: number): SimRecord {
    const out: SimRecord = {};
    for (const field of this.fields) out[field] = this.get(row, field);
    return out;
  }
}

class RecordTableView extends BaseView {
  readonly name: string;
  readonly fields: readonly string[];

  constructor(
    private readonly table: RowTable,
    private readonly resolve: (name: string) => TableView | undefined,
  ) {
    super();
    this.name = table.name;
    this.fields = table.fields;
  }

  size(): number {
    return this.table.rows.length;
  }

  rowOf(sysId: string): number | undefined {
    return this.table.indexById.get(sysId);
  }

  mutableRecord(row: number): SimRecord | undefined {
    return this.table.rows[row];
  }

  referenceTarget(path: string): string | undefined {
    const dot = path.indexOf(".");
    if (dot < 0) return this.table.references[path];
    const target = this.table.references[path.slice(0, dot)];
    const view = target === undefined ? undefined : this.resolve(target);
    return view?.referenceTarget(path.slice(dot + 1));
  }

  protected buildAccessor(path: string): FieldAccessor | undefined {
    const rows = this.table.rows;
    const dot = path.indexOf(".");
    if (dot < 0) {
      if (!this.fields.includes(path)) return undefined;
      return (row) => rows[row]?.[path] ?? "";
    }
    const head = path.slice(0, dot);
    const target = this.table.references[head];
    const view = target === undefined ? undefined : this.resolve(target);
    const inner = view?.accessor(path.slice(dot + 1));
    if (!view || !inner) return undefined;
    return (row) => {
      const id = rows[row]?.[head] ?? "";
      if (id === "") return "";
      const targetRow = view.rowOf(id);
      return targetRow === undefined ? "" : inner(targetRow);
    };
  }
}

class TransactionLogView extends BaseView {
  readonly name: string;
  readonly fields: readonly string[] = TRANSACTION_FIELDS;
  override readonly naturalOrder: ReadonlySet<string> = new Set(["sys_id", "sys_created_on"]);
  override readonly timeField = "sys_created_on";

  constructor(private readonly log: TransactionLog) {
    super();
    this.name = log.name;
  }

  override codes(path: string): FieldCodes | undefined {
    const log = this.log;
    const of = (column: ArrayLike<number>, values: readonly string[]): FieldCodes => ({
      cardinality: values.length,
      code: (row) => column[row] ?? 0,
      decode: (code) => values[code] ?? "",
    });
    switch (path) {
      case "sys_created_by":
        return of(log.user, log.userNames);
      case "url":
        return of(log.url, log.urls);
      case "http_method":
        return of(log.method, HTTP_METHODS);
      case "type":
        return of(log.type, TRANSACTION_TYPES);
      default:
        return undefined;
    }
  }

  size(): number {
    return this.log.count;
  }

  rowOf(sysId: string): number | undefined {
    return transactionIndexOf(this.log, sysId);
  }

  mutableRecord(): SimRecord | undefined {
    return undefined;
  }

  referenceTarget(): string | undefined {
    return undefined;
  }

  protected buildAccessor(path: string): FieldAccessor | undefined {
    const log = this.log;
    switch (path) {
      case "sys_id":
        return (row) => transactionSysId(log, row);
      case "sys_created_on":
        return (row) => formatGlideDateTime((log.time[row] ?? 0) * 1000);
      case "sys_created_by":
        return (row) => log.userNames[log.user[row] ?? 0] ?? "";
      case "type":
        return (row) => TRANSACTION_TYPES[log.type[row] ?? 0] ?? "";
      case "url":
        return (row) => log.urls[log.url[row] ?? 0] ?? "";
      case "http_method":
        return (row) => HTTP_METHODS[log.method[row] ?? 0] ?? "";
      case "response_time":
        return (row) => String(log.responseTime[row] ?? 0);
      default:
        return undefined;
    }
  }
}
