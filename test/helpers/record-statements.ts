import type { Database } from "better-sqlite3";

/**
 * The real database, recording the SQL of every statement prepared through it into `statements`
 * (for query-plan checks). Everything else is passed through to the connection itself.
 */
export function recordStatements(target: Database, statements: Set<string>): Database {
  return new Proxy(target, {
    get(object, key) {
      if (key === "prepare") {
        return (sql: string) => {
          statements.add(sql);
          return object.prepare(sql);
        };
      }
      const value = Reflect.get(object, key, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
