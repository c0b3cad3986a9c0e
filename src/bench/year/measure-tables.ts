import Database from "better-sqlite3";

/** Bytes one table takes in the database file: its own pages and its indexes' pages. */
export interface TableSize {
  table: string;
  rows: number;
  tableBytes: number;
  indexBytes: number;
  /**
   * Bytes of its pages (table and indexes) holding nothing: a row rewritten smaller or removed
   * leaves a hole that later rows (appended at the end) do not fill, until a VACUUM.
   */
  unusedBytes: number;
}

/** Where the bytes of a database file are: per table, and the free pages not yet given back. */
export interface DatabaseBreakdown {
  tables: TableSize[];
  /** The outbox's payload bytes by message kind (owner_message, reminder, unowned…). */
  outboxKinds: { kind: string; rows: number; payloadBytes: number }[];
  freeBytes: number;
  pageSize: number;
}

/**
 * Reads the size of every table and index of the database at `path` from SQLite's `dbstat`
 * virtual table (https://www.sqlite.org/dbstat.html; better-sqlite3's bundled SQLite has it), over
 * a second, read-only connection: it sees what is committed, the WAL's pages too. Indexes (and
 * SQLite's automatic ones) count towards the table they index. Biggest first.
 */
export function measureTables(path: string): DatabaseBreakdown {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const freePages = db.pragma("freelist_count", { simple: true }) as number;
    const objects = db
      .prepare("SELECT name, type, tbl_name AS tableName FROM sqlite_schema WHERE type IN ('table', 'index')")
      .all() as { name: string; type: string; tableName: string }[];
    const pages = new Map(
      (
        db
          .prepare("SELECT name, sum(pgsize) AS bytes, sum(unused) AS unused FROM dbstat GROUP BY name")
          .all() as {
          name: string;
          bytes: number;
          unused: number;
        }[]
      ).map((r) => [r.name, r]),
    );
    const sizes = new Map<string, TableSize>();
    for (const o of objects) {
      const size = sizes.get(o.tableName) ?? {
        table: o.tableName,
        rows: 0,
        tableBytes: 0,
        indexBytes: 0,
        unusedBytes: 0,
      };
      const bytes = pages.get(o.name)?.bytes ?? 0;
      size.unusedBytes += pages.get(o.name)?.unused ?? 0;
      if (o.type === "table") {
        size.tableBytes += bytes;
        // Names come from the database's own schema, not from input.
        size.rows = db
          .prepare(`SELECT count(*) FROM "${o.name.replaceAll('"', '""')}"`)
          .pluck()
          .get() as number;
      } else size.indexBytes += bytes;
      sizes.set(o.tableName, size);
    }
    const tables = [...sizes.values()].sort(
      (a, b) => b.tableBytes + b.indexBytes - (a.tableBytes + a.indexBytes),
    );
    const outboxKinds = objects.some((o) => o.name === "outbox")
      ? (db
          .prepare(
            "SELECT kind, count(*) AS rows, sum(length(CAST(payload AS BLOB))) AS payloadBytes FROM outbox GROUP BY kind ORDER BY payloadBytes DESC",
          )
          .all() as DatabaseBreakdown["outboxKinds"])
      : [];
    return { tables, outboxKinds, freeBytes: freePages * pageSize, pageSize };
  } finally {
    db.close();
  }
}
