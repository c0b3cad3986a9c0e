import { describe, expect, it } from "vitest";
import { missingPostgresQueries } from "../../src/store/postgres/create-postgres-store.js";

describe("the PostgreSQL store", () => {
  it("has a PostgreSQL version of every store query: a query added for SQLite alone fails here", () => {
    expect(missingPostgresQueries()).toEqual([]);
  });
});
