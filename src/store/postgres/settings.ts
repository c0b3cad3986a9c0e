import { randomBytes } from "node:crypto";
import { StoreError } from "../../errors.js";
import {
  describeInstance,
  type InstanceClaim,
  SERVICENOW_INSTANCE_KEY,
  SIMULATED_INSTANCE,
} from "../source-instance.js";
import { appendAudit } from "./audit-log.js";
import type { PgDb } from "./pg-db.js";

/** src/store/settings.ts getOrCreateSecret: the first insert wins, every replica reads the same. */
export async function getOrCreateSecret(db: PgDb, key: string): Promise<Buffer> {
  await db.execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [
    key,
    randomBytes(32).toString("base64"),
  ]);
  const [row] = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]);
  return Buffer.from(row?.value ?? "", "base64");
}

/** src/store/source-instance.ts claimSourceInstance; the settings row is locked while it is decided. */
export async function claimSourceInstance(
  db: PgDb,
  options: { key?: string; instance: string; allowChange: boolean; dbPath: string; at: Date },
): Promise<InstanceClaim> {
  const key = options.key ?? SERVICENOW_INSTANCE_KEY;
  const { instance } = options;
  return db.transaction(async (tx) => {
    // Two replicas starting at once: the second waits on the first's row (or its insert), then sees it.
    await tx.execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [
      key,
      instance,
    ]);
    const [row] = await tx.query<{ value: string; inserted: boolean }>(
      "SELECT value, xmin = pg_current_xact_id()::xid AS inserted FROM settings WHERE key = $1 FOR UPDATE",
      [key],
    );
    if (row?.inserted) return { kind: "recorded" } as const;
    const recorded = row?.value;
    if (recorded === instance) return { kind: "same" } as const;
    if (recorded === undefined) throw new StoreError("E_STORE_INSTANCE_CHANGED", "the instance row vanished");
    if (!options.allowChange) {
      throw new StoreError(
        "E_STORE_INSTANCE_CHANGED",
        `the database ${options.dbPath} (WARDEN_DATABASE_URL) belongs to ${describeInstance(recorded)}, not to ${describeInstance(instance)} (${instance === SIMULATED_INSTANCE ? "SERVICENOW_URL is unset" : "SERVICENOW_URL"}): point WARDEN_DATABASE_URL at another database for this instance, or set WARDEN_ALLOW_INSTANCE_CHANGE=true once to move the database to it`,
      );
    }
    await tx.execute("UPDATE settings SET value = $2 WHERE key = $1", [key, instance]);
    await appendAudit(tx, {
      at: options.at,
      event: "source.instance_changed",
      actor: "warden",
      subject: key,
      detail: { from: recorded, to: instance },
    });
    return { kind: "changed", previous: recorded } as const;
  });
}

/** src/store/source-instance.ts getSourceInstance. */
export async function getSourceInstance(
  db: PgDb,
  key: string = SERVICENOW_INSTANCE_KEY,
): Promise<string | undefined> {
  const [row] = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]);
  return row === undefined || row.value === SIMULATED_INSTANCE ? undefined : row.value;
}
