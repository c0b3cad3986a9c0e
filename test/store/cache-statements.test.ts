import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cacheStatements } from "../../src/store/cache-statements.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

function peopleDb() {
  const db = new Database(tempDbPath());
  db.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  db.exec("INSERT INTO people (id, name) VALUES (1, 'ada'), (2, 'grace')");
  return db;
}

const SQL = "SELECT id, name FROM people ORDER BY id";

describe("the store's statement cache", () => {
  it("gives each caller of one SQL text the row shape it asks for, whatever the previous caller set", () => {
    const db = peopleDb();
    const cached = cacheStatements(db);
    expect(cached.prepare(SQL).pluck().all()).toEqual([1, 2]);
    expect(cached.prepare(SQL).all()).toEqual([
      { id: 1, name: "ada" },
      { id: 2, name: "grace" },
    ]);
    expect(cached.prepare(SQL).raw().all()).toEqual([
      [1, "ada"],
      [2, "grace"],
    ]);
    expect(cached.prepare(SQL).get()).toEqual({ id: 1, name: "ada" });
    expect(cached.prepare(SQL).pluck().get()).toBe(1);
    expect(cached.prepare(SQL).expand().get()).toEqual({ people: { id: 1, name: "ada" } });
    expect(cached.prepare(SQL).get()).toEqual({ id: 1, name: "ada" });
    db.close();
  });

  it("compiles a SQL text once, and sees writes made since", () => {
    const db = peopleDb();
    let compiled = 0;
    const counting = new Proxy(db, {
      get(target, key) {
        if (key === "prepare")
          return (sql: string) => {
            compiled += 1;
            return target.prepare(sql);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const cached = cacheStatements(counting);
    const count = () => cached.prepare("SELECT count(*) FROM people").pluck().get();
    expect(count()).toBe(2);
    cached.prepare("INSERT INTO people (name) VALUES (?)").run("edsger");
    cached.prepare("INSERT INTO people (name) VALUES (?)").run("barbara");
    expect(count()).toBe(4);
    expect(compiled).toBe(2);
    db.close();
  });

  it("hands a statement still being iterated to no second caller", () => {
    const db = peopleDb();
    const cached = cacheStatements(db);
    const pairs: string[] = [];
    for (const outer of cached.prepare(SQL).iterate() as IterableIterator<{ name: string }>) {
      // The same SQL inside the loop: a fresh statement, not the one the loop is reading.
      for (const inner of cached.prepare(SQL).pluck().all() as number[]) pairs.push(`${outer.name}:${inner}`);
    }
    expect(pairs).toEqual(["ada:1", "ada:2", "grace:1", "grace:2"]);
    db.close();
  });

  it("keeps the connection's own methods working through the store", async () => {
    const path = tempDbPath();
    const store = createSqliteStore(openDatabase(path), { location: path });
    // A write in a transaction, then the same statements again outside one.
    const made = await store.transaction((tx) => tx.settings.getOrCreateSecret("bench-key"));
    const again = await store.settings.getOrCreateSecret("bench-key");
    expect(again.equals(made)).toBe(true);
    expect((await store.settings.getOrCreateSecret("other-key")).equals(made)).toBe(false);
    await store.close();
  });
});
