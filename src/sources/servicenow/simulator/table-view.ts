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

/**
 * A field stored as small integer codes (interned strings), for fast grouping. Equal values
 * always have the same code (a value stored twice in the dictionary reads as its first code).
 */
export interface FieldCodes {
  cardinality: number;
  code(row: number): number;
  decode(code: number): string;
  /** The position of a code's value among the field's distinct values in string order. */
  rank(code: number): number;
}

/**
 * The rows of a table in ascending sys_id order (plain string order, ties by row index, exactly
 * the order a stable sort of the rows by sys_id gives), so ORDERBYsys_id needs no per-request sort
 * and sys_id conditions become binary searches.
 */
export interface SysIdOrder {
  readonly size: number;
  /** The row at a position of the order. */
  rowAt(position: number): number;
  /** The position of a row in the order. */
  positionOf(row: number): number;
  /** The sys_id at a position of the order. */
  idAt(position: number): string;
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
  /** The rows in sys_id order (kept up to date as rows are appended). */
  sysIdOrder(): SysIdOrder;
  /**
   * For an own reference field: the referenced table's view and, per row, the referenced row
   * (-1 when the reference is empty or points to no row). `a.b` reads what `b` reads there.
   */
  reference(field: string): Reference | undefined;
  /**
   * The rows holding each value of an own field, brought up to date before it is returned;
   * undefined where the storage has none (the log: it has codes).
   */
  valueIndex(field: string): ValueIndex | undefined;
}

export interface ValueIndex {
  /** Rows whose value is exactly `value`, ascending. */
  rowsWith(value: string): readonly number[];
}

export interface Reference {
  readonly target: TableView;
  targetRow(row: number): number;
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
  abstract sysIdOrder(): SysIdOrder;
  abstract reference(field: string): Reference | undefined;
  abstract valueIndex(field: string): ValueIndex | undefined;
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

/** A record table's sys_id order, as sorted for a given number of rows. */
class SortedRows implements SysIdOrder {
  readonly size: number;
  private readonly rows: Int32Array;
  private readonly positions: Int32Array;
  private readonly ids: string[];

  constructor(records: readonly SimRecord[]) {
    const n = records.length;
    const idOf = records.map((r) => r.sys_id ?? "");
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    rows.sort((a, b) => {
      const x = idOf[a]!;
      const y = idOf[b]!;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    const positions = new Int32Array(n);
    const ids = new Array<string>(n);
    for (let p = 0; p < n; p++) {
      const row = rows[p]!;
      positions[row] = p;
      ids[p] = idOf[row]!;
    }
    this.size = n;
    this.rows = rows;
    this.positions = positions;
    this.ids = ids;
  }

  rowAt(position: number): number {
    return this.rows[position]!;
  }

  positionOf(row: number): number {
    return this.positions[row]!;
  }

  idAt(position: number): string {
    return this.ids[position]!;
  }
}

class RecordTableView extends BaseView {
  readonly name: string;
  readonly fields: readonly string[];
  private sorted: SortedRows | undefined;

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

  /**
   * Sorted once and re-sorted only when rows were added since: sys_ids never change (PATCH
   * ignores sys_* fields), so the order of the rows already sorted stays valid.
   */
  sysIdOrder(): SysIdOrder {
    if (this.sorted?.size !== this.table.rows.length) this.sorted = new SortedRows(this.table.rows);
    return this.sorted;
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
      return fieldReader(rows, path);
    }
    const reference = this.reference(path.slice(0, dot));
    const inner = reference?.target.accessor(path.slice(dot + 1));
    if (!reference || !inner) return undefined;
    return (row) => {
      const targetRow = reference.targetRow(row);
      return targetRow < 0 ? "" : inner(targetRow);
    };
  }

  private readonly indexes = new Map<string, FieldIndex>();

  valueIndex(field: string): ValueIndex | undefined {
    let index = this.indexes.get(field);
    if (!index) {
      if (!this.fields.includes(field)) return undefined;
      index = new FieldIndex(this.table.rows, fieldReader(this.table.rows, field));
      this.indexes.set(field, index);
    }
    index.refresh();
    return index;
  }

  private readonly resolvers = new Map<string, ReferenceResolver>();

  reference(field: string): Reference | undefined {
    let resolver = this.resolvers.get(field);
    if (!resolver) {
      const name = this.table.references[field];
      const target = name === undefined ? undefined : this.resolve(name);
      if (!target) return undefined;
      resolver = new ReferenceResolver(this.table.rows, field, target);
      this.resolvers.set(field, resolver);
    }
    return resolver;
  }
}

/**
 * A reader of one field of a record table. Each reader is its own compiled function, so V8's
 * inline cache for the property load sees one field of one table's records (fast, monomorphic)
 * instead of one shared closure reading every field of every table (megamorphic, several times
 * slower in a scan). `field` is a schema field name, embedded as a JSON string literal.
 */
function fieldReader(rows: readonly SimRecord[], field: string): FieldAccessor {
  const body = `"use strict"; return (row) => { const r = rows[row]; return r === undefined ? "" : (r[${JSON.stringify(field)}] ?? ""); };`;
  return new Function("rows", body)(rows) as FieldAccessor;
}

/**
 * Rows by value of one field. It remembers the value it indexed for every row and, before each
 * use, compares it with the row's current value (a pointer comparison when nothing changed), so
 * rows patched or appended since are re-filed and the index never answers from stale values.
 */
class FieldIndex implements ValueIndex {
  private seen: string[] = [];
  private buckets = new Map<string, number | number[]>();

  constructor(
    private readonly rows: readonly SimRecord[],
    private readonly read: FieldAccessor,
  ) {}

  refresh(): void {
    if (this.rows.length < this.seen.length) {
      this.seen = [];
      this.buckets = new Map();
    }
    const seen = this.seen;
    for (let row = 0; row < seen.length; row++) {
      const value = this.read(row);
      if (value === seen[row]) continue;
      this.remove(seen[row]!, row);
      this.add(value, row);
      seen[row] = value;
    }
    for (let row = seen.length; row < this.rows.length; row++) {
      const value = this.read(row);
      seen.push(value);
      this.add(value, row);
    }
  }

  rowsWith(value: string): readonly number[] {
    const rows = this.buckets.get(value);
    return rows === undefined ? [] : typeof rows === "number" ? [rows] : rows;
  }

  private add(value: string, row: number): void {
    const rows = this.buckets.get(value);
    if (rows === undefined) this.buckets.set(value, row);
    else if (typeof rows === "number") this.buckets.set(value, rows < row ? [rows, row] : [row, rows]);
    else if (rows[rows.length - 1]! < row) rows.push(row);
    else rows.splice(partitionPoint(rows, row), 0, row);
  }

  private remove(value: string, row: number): void {
    const rows = this.buckets.get(value);
    if (rows === row) this.buckets.delete(value);
    else if (typeof rows === "object") {
      const at = partitionPoint(rows, row);
      if (rows[at] === row) rows.splice(at, 1);
      if (rows.length === 1) this.buckets.set(value, rows[0]!);
    }
  }
}

/** The first index of ascending `rows` whose row is not below `row`. */
function partitionPoint(rows: readonly number[], row: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Resolves a reference field to the referenced row, remembering per row the sys_id it resolved
 * and the row it found. A dot-walk over a whole table then costs a string comparison per row
 * instead of a hash lookup. The memory checks itself: a row whose reference changed since (PATCH,
 * or any other write) is resolved again, and everything is forgotten when the referenced table
 * grows (an id that pointed nowhere may exist now).
 */
class ReferenceResolver implements Reference {
  private seen: Array<string | undefined> = [];
  private targets = new Int32Array(0);
  private targetSize = -1;
  private readonly read: FieldAccessor;

  constructor(
    private readonly rows: readonly SimRecord[],
    field: string,
    readonly target: TableView,
  ) {
    this.read = fieldReader(rows, field);
  }

  /** The referenced row, or -1 when the reference is empty or points to no row. */
  targetRow(row: number): number {
    const id = this.read(row);
    if (id === "") return -1;
    if (row >= this.targets.length || this.target.size() !== this.targetSize) this.reset();
    if (this.seen[row] === id) return this.targets[row]!;
    const found = this.target.rowOf(id) ?? -1;
    this.seen[row] = id;
    this.targets[row] = found;
    return found;
  }

  private reset(): void {
    const n = this.rows.length;
    this.seen = new Array<string | undefined>(n).fill(undefined);
    this.targets = new Int32Array(n);
    this.targetSize = this.target.size();
  }
}

/**
 * Codes of a dictionary-encoded column. A value the dictionary holds twice (two identities calling
 * the same URL) reads as its first code, so grouping by code groups by value, as an instance does.
 */
function columnCodes(column: ArrayLike<number>, values: readonly string[]): FieldCodes {
  const firstCode = new Map<string, number>();
  let canonical: Int32Array | undefined;
  values.forEach((value, code) => {
    const first = firstCode.get(value);
    if (first === undefined) firstCode.set(value, code);
    else {
      canonical ??= Int32Array.from(values, (_, i) => i);
      canonical[code] = first;
    }
  });
  let ranks: Int32Array | undefined;
  const rankOf = (): Int32Array => {
    const distinct = [...firstCode.keys()].sort();
    const rankByValue = new Map(distinct.map((value, rank) => [value, rank]));
    return Int32Array.from(values, (value) => rankByValue.get(value) ?? 0);
  };
  const map = canonical;
  return {
    cardinality: values.length,
    code: map ? (row) => map[column[row] ?? 0] ?? 0 : (row) => column[row] ?? 0,
    decode: (code) => values[code] ?? "",
    rank: (code) => {
      ranks ??= rankOf();
      return ranks[code] ?? 0;
    },
  };
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

  private readonly codeCache = new Map<string, FieldCodes>();

  /** Built once per field: the log's columns and dictionaries never change. */
  override codes(path: string): FieldCodes | undefined {
    const log = this.log;
    let codes = this.codeCache.get(path);
    if (codes) return codes;
    switch (path) {
      case "sys_created_by":
        codes = columnCodes(log.user, log.userNames);
        break;
      case "url":
        codes = columnCodes(log.url, log.urls);
        break;
      case "http_method":
        codes = columnCodes(log.method, HTTP_METHODS);
        break;
      case "type":
        codes = columnCodes(log.type, TRANSACTION_TYPES);
        break;
      default:
        return undefined;
    }
    this.codeCache.set(path, codes);
    return codes;
  }

  size(): number {
    return this.log.count;
  }

  rowOf(sysId: string): number | undefined {
    return transactionIndexOf(this.log, sysId);
  }

  /** sys_ids are the row index in fixed-width hex after a shared prefix: row order is sys_id order. */
  sysIdOrder(): SysIdOrder {
    const log = this.log;
    return {
      size: log.count,
      rowAt: (position) => position,
      positionOf: (row) => row,
      idAt: (position) => transactionSysId(log, position),
    };
  }

  mutableRecord(): SimRecord | undefined {
    return undefined;
  }

  referenceTarget(): string | undefined {
    return undefined;
  }

  reference(): Reference | undefined {
    return undefined;
  }

  valueIndex(): ValueIndex | undefined {
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
