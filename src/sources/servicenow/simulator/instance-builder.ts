/**
 * Helpers shared by the demo and the scaled generators: record tables with consistent sys_ids,
 * role grants, and dates expressed as "days before now".
 */
import { DAY_MS, formatGlideDateTime } from "./glide-date-time.js";
import {
  createRowTable,
  insertRow,
  ROW_TABLE_SCHEMAS,
  type RowTable,
  type SimRecord,
} from "./instance-data.js";
import type { Prng } from "./prng.js";

/** Roles of the simulated instance: name → elevated_privilege. */
export const ROLE_CATALOG: ReadonlyArray<readonly [name: string, elevated: boolean]> = [
  ["admin", false],
  ["security_admin", true],
  ["user_admin", false],
  ["oauth_admin", false],
  ["impersonator", false],
  ["itil", false],
  ["rest_api_explorer", false],
  ["snc_platform_rest_api_access", false],
  ["web_service_admin", false],
  ["catalog", false],
  ["knowledge", false],
  ["asset", false],
  ["report_user", false],
  ["import_transformer", false],
  ["mi_admin", false],
  ["snc_internal", false],
];

export interface UserInput {
  userName: string;
  name: string;
  email?: string;
  /** sys_id of the manager, or "". */
  manager?: string;
  active?: boolean;
  lockedOut?: boolean;
  wsao?: boolean;
  internal?: boolean;
  /** Days before now of last_login_time; undefined leaves it empty. */
  lastLoginDaysAgo?: number | undefined;
  createdDaysAgo: number;
  updatedDaysAgo?: number;
}

/** Builds the record tables of one instance. */
export class InstanceBuilder {
  readonly tables = new Map<string, RowTable>();
  readonly roleIds = new Map<string, string>();

  constructor(
    readonly rng: Prng,
    readonly nowMs: number,
  ) {
    for (const name of Object.keys(ROW_TABLE_SCHEMAS)) this.tables.set(name, createRowTable(name));
    for (const [name, elevated] of ROLE_CATALOG) {
      const sysId = rng.sysId();
      this.roleIds.set(name, sysId);
      insertRow(this.table("sys_user_role"), { sys_id: sysId, name, elevated_privilege: String(elevated) });
    }
  }

  table(name: string): RowTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`Unknown table ${name}`);
    return table;
  }

  /** A date/time `days` (fractional) before now. */
  daysAgo(days: number): string {
    return formatGlideDateTime(this.nowMs - Math.round(days * DAY_MS));
  }

  /** A date/time `days` before now plus up to a day of jitter (so dates do not all share a time). */
  aroundDaysAgo(days: number): string {
    return this.daysAgo(days + this.rng.next());
  }

  addUser(user: UserInput): SimRecord {
    return insertRow(this.table("sys_user"), {
      sys_id: this.rng.sysId(),
      user_name: user.userName,
      name: user.name,
      email: user.email ?? "",
      manager: user.manager ?? "",
      active: String(user.active ?? true),
      locked_out: String(user.lockedOut ?? false),
      web_service_access_only: String(user.wsao ?? false),
      internal_integration_user: String(user.internal ?? false),
      last_login_time: user.lastLoginDaysAgo === undefined ? "" : this.aroundDaysAgo(user.lastLoginDaysAgo),
      sys_created_on: this.aroundDaysAgo(user.createdDaysAgo),
      sys_updated_on: this.aroundDaysAgo(user.updatedDaysAgo ?? Math.min(user.createdDaysAgo, 30)),
    });
  }

  grant(userId: string, role: string): void {
    const roleId = this.roleIds.get(role);
    if (!roleId) throw new Error(`Unknown role ${role}`);
    insertRow(this.table("sys_user_has_role"), {
      sys_id: this.rng.sysId(),
      user: userId,
      role: roleId,
      inherited: "false",
    });
  }

  addLogin(userId: string, daysAgo: number, type: "DB" | "SSO"): void {
    insertRow(this.table("sys_user_login_history"), {
      sys_id: this.rng.sysId(),
      user: userId,
      sys_created_on: this.daysAgo(daysAgo),
      status: "Success",
      type,
    });
  }

  addBasicAuthException(
    userId: string,
    lastSeenDaysAgo: number,
    usageCount: number,
    decision = "global",
    source = "REST",
  ): void {
    insertRow(this.table("sys_user_basic_auth_exception"), {
      sys_id: this.rng.sysId(),
      user: userId,
      decision,
      action_taken: "false",
      last_seen: this.daysAgo(lastSeenDaysAgo),
      usage_count: String(usageCount),
      source,
    });
  }

  /** An OAuth token row; access tokens live 30 minutes, refresh tokens 100 days. */
  addOAuthToken(userId: string, type: "access_token" | "refresh_token", createdDaysAgo: number): void {
    const lifetimeDays = type === "access_token" ? 30 / 1440 : 100;
    insertRow(this.table("oauth_credential"), {
      sys_id: this.rng.sysId(),
      user: userId,
      type,
      sys_created_on: this.daysAgo(createdDaysAgo),
      expires: this.daysAgo(createdDaysAgo - lifetimeDays),
    });
  }
}
