import type { Database, Statement } from "better-sqlite3";

/**
 * The connection `db` with a statement cache in front of `prepare`: the store's queries call
 * `db.prepare(sql)` on every call, and compiling a statement costs far more than running it
 * (a scan's write, a message run and a follow-up pass run the same few statements thousands of
 * times). Everything else is the connection itself.
 *
 * A cached statement is shared by every caller of the same SQL, so what one caller set on it must
 * not reach the next: `.pluck()`, `.raw()` and `.expand()` change the shape of its rows
 * (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#class-statement), and are
 * switched off again each time it is handed out. A statement still running (an iterator left
 * open) is not handed out a second time: that caller gets a fresh one. No query binds parameters
 * to a statement for good (`.bind()`); one that did would make the next caller's call throw
 * (better-sqlite3 refuses to rebind), not return wrong rows.
 */
export function cacheStatements(db: Database): Database {
  const statements = new Map<string, Statement>();
  const bound = new Map<PropertyKey, unknown>();
  const prepare = (sql: string): Statement => {
    const cached = statements.get(sql);
    if (cached && !cached.busy) {
      if (cached.reader) cached.pluck(false).raw(false).expand(false);
      return cached;
    }
    const statement = db.prepare(sql);
    if (!cached) statements.set(sql, statement);
    return statement;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      // Native methods must be called on the connection itself, not on the proxy.
      let method = bound.get(property);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}
