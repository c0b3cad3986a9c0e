import BetterSqlite3 from "better-sqlite3";
import { expect, it } from "vitest";
import { foldAsciiCase } from "../../src/store/fold-ascii-case.js";

it("folds case exactly as SQLite's lower() does, which the lookup indexes hold", () => {
  const db = new BetterSqlite3(":memory:");
  const lower = db.prepare("SELECT lower(?)").pluck();
  // ASCII folds; Kelvin sign, dotted I, umlauts, Greek and ß do not (a lookalike never matches).
  for (const text of [
    "SVC_SAP_12340",
    "Svc.Backup-Prod@ACME",
    "\u212Aelvin",
    "İstanbul",
    "MÜLLER",
    "ΣΊΣΥΦΟΣ",
    "Straße",
  ]) {
    expect(foldAsciiCase(text), text).toBe(lower.get(text));
  }
  expect(foldAsciiCase("\u212A")).not.toBe("k");
  db.close();
});
