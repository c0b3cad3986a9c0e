import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { appendAudit } from "./audit-log.js";
import { writeTransaction } from "./write-transaction.js";

/** The settings key that records which ServiceNow instance a database belongs to. */
export const SERVICENOW_INSTANCE_KEY = "source.servicenow.instance";

/** How the built-in simulated instance is recorded (its port changes at every start). */
export const SIMULATED_INSTANCE = "simulated";

/**
 * How an instance is recorded: "simulated", or the origin of SERVICENOW_URL (scheme, host and
 * port: https://url.spec.whatwg.org/#origin), so no path, user name or password is ever stored.
 */
export function instanceIdentity(url: string | undefined): string {
  return url === undefined ? SIMULATED_INSTANCE : new URL(url).origin;
}

export type InstanceClaim = { kind: "recorded" } | { kind: "same" } | { kind: "changed"; previous: string };

/**
 * Ties the database to one ServiceNow instance. On first use it records `instance`; later, a
 * different instance is refused: its accounts, findings, owners' messages and decisions would mix
 * with another instance's (sys_ids are per instance), and a click could then write to the wrong
 * instance. With `allowChange` the new instance is recorded instead, and the change audited. Either way in
 * one write transaction, so two processes starting at once agree.
 */
export function claimSourceInstance(
  db: Database,
  options: { key?: string; instance: string; allowChange: boolean; dbPath: string; at: Date },
): InstanceClaim {
  const key = options.key ?? SERVICENOW_INSTANCE_KEY;
  const { instance } = options;
  return writeTransaction(db, () => {
    const recorded = db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(key) as
      | string
      | undefined;
    if (recorded === instance) return { kind: "same" } as const;
    if (recorded !== undefined && !options.allowChange) {
      throw new StoreError(
        "E_STORE_INSTANCE_CHANGED",
        `the database ${options.dbPath} (WARDEN_DB) belongs to ${describeInstance(recorded)}, not to ${describeInstance(instance)} (${instance === SIMULATED_INSTANCE ? "SERVICENOW_URL is unset" : "SERVICENOW_URL"}): set WARDEN_DB to another file for this instance, or set WARDEN_ALLOW_INSTANCE_CHANGE=true once to move the database to it`,
      );
    }
    db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(key, instance);
    if (recorded === undefined) return { kind: "recorded" } as const;
    appendAudit(db, {
      at: options.at,
      event: "source.instance_changed",
      actor: "warden",
      subject: key,
      detail: { from: recorded, to: instance },
    });
    return { kind: "changed", previous: recorded } as const;
  });
}

/**
 * The origin of the ServiceNow instance this database belongs to (claimSourceInstance), for
 * "Open in ServiceNow" links; undefined before any claim and for the simulated instance.
 */
export function getSourceInstance(db: Database, key: string = SERVICENOW_INSTANCE_KEY): string | undefined {
  const value = db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(key) as string | undefined;
  return value === undefined || value === SIMULATED_INSTANCE ? undefined : value;
}

/** An instance as a sentence names it. */
export function describeInstance(instance: string): string {
  return instance === SIMULATED_INSTANCE
    ? "the built-in simulated ServiceNow instance"
    : `the ServiceNow instance ${instance}`;
}
