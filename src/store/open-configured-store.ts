import type { Config } from "../config/load-config.js";
import { redactUrl } from "../redact-url.js";
import { openAndMigrateStore } from "./open-sqlite-store.js";
import { openPostgresStore } from "./postgres/open-postgres-store.js";
import type { Store } from "./store.js";

/**
 * The store the configuration names, created and migrated if needed: PostgreSQL when
 * WARDEN_DATABASE_URL is set, else the SQLite file at WARDEN_DB.
 */
export async function openConfiguredStore(
  config: Pick<Config, "dbPath" | "databaseUrl">,
): Promise<{ store: Store; migrated: { from: number; to: number }; described: string }> {
  if (config.databaseUrl !== undefined) {
    const opened = await openPostgresStore(config.databaseUrl);
    return { ...opened, described: `PostgreSQL database ${redactUrl(config.databaseUrl)}` };
  }
  return { ...openAndMigrateStore(config.dbPath), described: `Database ${config.dbPath}` };
}
