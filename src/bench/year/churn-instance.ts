import { formatGlideDateTime } from "../../sources/servicenow/simulator/glide-date-time.js";
import type { InstanceData, RowTable, SimRecord } from "../../sources/servicenow/simulator/instance-data.js";
import { insertRow } from "../../sources/servicenow/simulator/instance-data.js";
import type { Prng } from "../../sources/servicenow/simulator/prng.js";

/** How much of the machine identities changes per simulated day (shares of their count). */
export interface ChurnRates {
  /** Accounts created (each inherits the REST traffic of one deleted account). */
  created: number;
  /** Accounts deleted from sys_user (with their roles, credentials and Basic-auth records). */
  deleted: number;
  /** Pairs of accounts whose REST traffic is swapped: a quiet one becomes active, an active one quiet. */
  activitySwaps: number;
  /** Accounts whose web_service_access_only flag flips (opens or resolves wsao_off). */
  wsaoFlips: number;
  /** Accounts whose owner (manager) is removed or given back (opens or resolves no_owner). */
  ownerChanges: number;
}

export const DEFAULT_CHURN: ChurnRates = {
  created: 0.002,
  deleted: 0.002,
  activitySwaps: 0.002,
  wsaoFlips: 0.001,
  ownerChanges: 0.001,
};

export interface ChurnSummary {
  created: number;
  deleted: number;
  activitySwaps: number;
  wsaoFlips: number;
  ownerChanges: number;
}

const DAY_SECONDS = 86_400;
const MACHINE_PREFIX = "svc_";

function table(data: InstanceData, name: string): RowTable {
  const found = data.tables.get(name);
  if (!found) throw new Error(`the simulated instance has no table ${name}`);
  return found;
}

/** Removes the rows `drop` selects and re-indexes the table (the caller restarts the simulator). */
function removeRows(t: RowTable, drop: (row: SimRecord) => boolean): void {
  const kept = t.rows.filter((row) => !drop(row));
  t.rows.length = 0;
  t.indexById.clear();
  for (const row of kept) {
    t.indexById.set(row.sys_id ?? "", t.rows.length);
    t.rows.push(row);
  }
}

/**
 * One simulated day of change in a scaled simulated instance, applied to its live data: the
 * transaction log moves one day forward (the instance keeps its last 56 days, so the REST traffic
 * of the accounts in use stays recent), accounts are deleted and created, REST traffic moves
 * between accounts, WSAO flags flip and owners come and go, so findings open and resolve from day
 * to day. Rows are removed from tables, which the simulator's query caches do not expect: restart
 * the simulated instance on the same data after a churn (startSimulatedInstance).
 */
export function churnInstance(data: InstanceData, rng: Prng, day: number, rates: ChurnRates): ChurnSummary {
  const log = data.transactions;
  // The log follows the clock: every row one day later (still in time order).
  for (let i = 0; i < log.count; i++) log.time[i] = (log.time[i] ?? 0) + DAY_SECONDS;
  const nowMs = (log.time[log.count - 1] ?? 0) * 1000;

  const users = table(data, "sys_user");
  const machines = users.rows.filter((row) => row.user_name?.startsWith(MACHINE_PREFIX));
  const count = (share: number) => Math.max(share > 0 ? 1 : 0, Math.round(machines.length * share));
  // Interned user names of the log, by name: renaming one moves its whole traffic at once.
  const names = log.userNames as string[];
  const nameIndex = new Map<string, number>();
  for (let i = 0; i < names.length; i++) nameIndex.set(names[i] ?? "", i);

  const summary: ChurnSummary = { created: 0, deleted: 0, activitySwaps: 0, wsaoFlips: 0, ownerChanges: 0 };
  const pickMachine = () => machines[rng.int(0, machines.length - 1)];

  // Deleted: gone from sys_user with everything that points at them.
  const deleted = new Set<string>();
  const freedNames: number[] = [];
  for (let k = count(rates.deleted); k > 0 && deleted.size < machines.length - 1; k--) {
    const victim = pickMachine();
    if (!victim?.sys_id || deleted.has(victim.sys_id)) continue;
    deleted.add(victim.sys_id);
    const interned = nameIndex.get(victim.user_name ?? "");
    if (interned !== undefined) freedNames.push(interned);
  }
  if (deleted.size > 0) {
    removeRows(users, (row) => deleted.has(row.sys_id ?? ""));
    for (const name of [
      "sys_user_has_role",
      "sys_user_basic_auth_exception",
      "oauth_credential",
      "sys_user_login_history",
    ]) {
      removeRows(table(data, name), (row) => deleted.has(row.user ?? ""));
    }
    summary.deleted = deleted.size;
  }

  // Created: integrations set up today, owned by someone who already owns one.
  const roles = table(data, "sys_user_role");
  const commonRoles = roles.rows.filter((r) => r.elevated_privilege !== "true").map((r) => r.sys_id ?? "");
  const living = machines.filter((row) => !deleted.has(row.sys_id ?? ""));
  const createdAt = formatGlideDateTime(nowMs - rng.int(0, 3600) * 1000);
  for (let k = count(rates.created); k > 0; k--) {
    const userName = `${MACHINE_PREFIX}year_d${day}_${k}`;
    const owner = living[rng.int(0, living.length - 1)]?.manager ?? "";
    const record = insertRow(users, {
      sys_id: rng.sysId(),
      user_name: userName,
      name: `Integration created on day ${day} (${k})`,
      manager: owner,
      active: "true",
      locked_out: "false",
      web_service_access_only: "true",
      internal_integration_user: "false",
      sys_created_on: createdAt,
      sys_updated_on: createdAt,
    });
    for (let r = 0; r < 2 && commonRoles.length > 0; r++) {
      insertRow(table(data, "sys_user_has_role"), {
        sys_id: rng.sysId(),
        user: record.sys_id ?? "",
        role: commonRoles[rng.int(0, commonRoles.length - 1)] ?? "",
      });
    }
    // A deleted account's traffic becomes the new one's (a replacement integration).
    const freed = freedNames.pop();
    if (freed !== undefined) names[freed] = userName;
    summary.created += 1;
  }

  // Activity: two accounts swap their REST traffic (interned names swapped; each keeps its record).
  for (let k = count(rates.activitySwaps); k > 0; k--) {
    const a = living[rng.int(0, living.length - 1)];
    const b = living[rng.int(0, living.length - 1)];
    const ia = nameIndex.get(a?.user_name ?? "");
    const ib = nameIndex.get(b?.user_name ?? "");
    if (ia === undefined || ib === undefined || ia === ib) continue;
    const swapped = names[ia] ?? "";
    names[ia] = names[ib] ?? "";
    names[ib] = swapped;
    nameIndex.set(names[ia] ?? "", ia);
    nameIndex.set(names[ib] ?? "", ib);
    summary.activitySwaps += 1;
  }

  const updatedOn = formatGlideDateTime(nowMs);
  for (let k = count(rates.wsaoFlips); k > 0; k--) {
    const row = living[rng.int(0, living.length - 1)];
    if (!row) continue;
    row.web_service_access_only = row.web_service_access_only === "true" ? "false" : "true";
    row.sys_updated_on = updatedOn;
    summary.wsaoFlips += 1;
  }
  for (let k = count(rates.ownerChanges); k > 0; k--) {
    const row = living[rng.int(0, living.length - 1)];
    if (!row) continue;
    row.manager = row.manager === "" ? (living[rng.int(0, living.length - 1)]?.manager ?? "") : "";
    row.sys_updated_on = updatedOn;
    summary.ownerChanges += 1;
  }
  return summary;
}

/** The instance's clock after `days` churned days: its data's `now` moved by as many days. */
export function instanceNow(data: InstanceData, days: number): Date {
  return new Date(data.now.getTime() + days * DAY_SECONDS * 1000);
}
