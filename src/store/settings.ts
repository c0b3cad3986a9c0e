import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";

/**
 * A random secret kept in the database (created on first use), e.g. the key that seals modal
 * metadata. Every process on the same database gets the same one: the first insert wins.
 */
export function getOrCreateSecret(db: Database, key: string): Buffer {
  db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING").run(
    key,
    randomBytes(32).toString("base64"),
  );
  const value = db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(key) as string;
  return Buffer.from(value, "base64");
}
