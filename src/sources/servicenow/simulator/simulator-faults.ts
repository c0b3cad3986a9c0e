/**
 * Runtime fault switches of a simulated instance. Everything here is mutable while the server
 * runs, so a test can break the instance between two requests of one scan.
 *
 * @example
 * sim.faults.missingTables.add("sys_user_login_history");       // 400 Invalid table
 * sim.faults.forbiddenTables.add("syslog_transaction");         // 403 Insufficient rights
 * sim.faults.hideRows("sys_user", new Set([sysId]));            // ACL-hidden rows (applied after sysparm_limit)
 * sim.faults.hideRows("sys_user", (r) => r.user_name.startsWith("svc_"));
 * sim.faults.hideFields("sys_user", "email", "manager");        // keys missing from records
 * sim.faults.script({ response: 429, retryAfterSeconds: 2 });   // the next request gets a 429
 * sim.faults.script({ response: 503, times: 3, table: "sys_user" });
 * sim.faults.script({ response: "hang", path: "/api/now/stats/" });
 * sim.faults.script({ response: 429, retryAfter: "Tue, 24 Nov 2026 03:00:00 GMT" }); // HTTP-date form
 * sim.faults.malform({ table: "sys_user", answer: { kind: "result", value: null } });   // {"result": null}
 * sim.faults.malform({ table: "sys_user", answer: { kind: "sys-id", value: 12345 } });  // a numeric sys_id
 * sim.faults.malform({ table: "sys_user", answer: { kind: "empty-pages" } });           // more, for ever
 * sim.faults.pageLimit = { max: 1000, refusal: "cap" };            // pages above 1000 rows come back capped
 * sim.faults.pageLimit = { max: 1000, refusal: "error" };          // ... or are refused with a 500
 * sim.faults.reset();
 */
import type { SimRecord } from "./instance-data.js";

/** Rows an ACL hides: a set of sys_ids, or a predicate on the record's database values. */
export type HiddenRows = ReadonlySet<string> | ((record: Readonly<SimRecord>) => boolean);

/**
 * A one-shot response: an HTTP status with ServiceNow's error body, "html" (200 with the
 * hibernation page), "hang" (no answer until the client gives up or the server closes) or "reset"
 * (the connection is dropped without an answer).
 */
export type ScriptedResponse = 401 | 403 | 429 | 500 | 502 | 503 | 504 | "html" | "hang" | "reset";

export interface ScriptedFault {
  response: ScriptedResponse;
  /** How many matching requests get it. Default 1. */
  times?: number;
  /** Only requests for this table (Table or Aggregate API). */
  table?: string;
  /** Only requests whose path contains this string (e.g. "/oauth_token.do", "/api/now/stats/"). */
  path?: string;
  /** Only requests with this HTTP method (e.g. "PATCH"). */
  method?: string;
  /**
   * Carry the request out first, then answer with the fault: a write that reached the instance
   * although the client saw a failure.
   */
  afterApplying?: boolean;
  /** Retry-After seconds for 429 (default 1), and for 502/503/504 when given. */
  retryAfterSeconds?: number;
  /** Retry-After sent as is (wins over retryAfterSeconds), e.g. an HTTP date. */
  retryAfter?: string;
}

/**
 * How a 2xx answer is broken, in ways no ServiceNow instance answers but a proxy, a scripted REST
 * override or a bug in front of one could:
 * - `result`: `result` is `value` (an object, a string, null…) instead of the records;
 * - `no-result`: the body has no `result` member (the records come as `records`);
 * - `sys-id`: the first record's sys_id is `value` (a number, "", an object, "../x"…);
 * - `empty-pages`: no records, while X-Total-Count and the Link header claim another page, for ever;
 * - `repeat-page`: the keyset condition (`sys_id>…`) is ignored, so every page is the first page.
 */
export type Malformation =
  | { kind: "result"; value: unknown }
  | { kind: "no-result" }
  | { kind: "sys-id"; value: unknown }
  | { kind: "empty-pages" }
  | { kind: "repeat-page" };

export interface MalformedAnswerFault {
  answer: Malformation;
  /** Only requests for this table (Table or Aggregate API). */
  table?: string;
  /** Only requests whose path contains this string. Default "/api/now/table/" (lists and records). */
  path?: string;
  /** How many matching answers are broken. Default: every one, until reset. */
  times?: number;
}

/**
 * The largest sysparm_limit a Table API list serves, and what a bigger one gets: `cap`, a page of
 * `max` rows (what a community thread calls the "maximum limit of records per response",
 * https://www.servicenow.com/community/itom-forum/pagination-in-api-response/m-p/900677), or
 * `error`, a 500 as when a quota rule cancels the transaction (users report failures at about
 * 40,000 rows per request; the status of a cancelled REST transaction is not documented).
 */
export interface PageLimit {
  max: number;
  refusal: "cap" | "error";
}

/** The fault switches; see the module comment for examples. */
export class SimulatorFaults {
  /** Tables that answer 400 "Invalid table" as if the plugin were not installed. */
  readonly missingTables = new Set<string>();
  /** Tables that answer 403 "Insufficient rights to query records". */
  readonly forbiddenTables = new Set<string>();
  /** Per table: rows an ACL hides from lists (after sysparm_limit) and from GET/PATCH by sys_id (404). */
  readonly hiddenRows = new Map<string, HiddenRows>();
  /** Per table: fields an ACL hides (the key is missing from returned records). */
  readonly hiddenFields = new Map<string, Set<string>>();
  /** Pending one-shot responses, consumed first-match-first by incoming requests. */
  readonly scripted: ScriptedFault[] = [];
  /** Malformed answers, applied first-match-first to the answers of matching requests. */
  readonly malformed: MalformedAnswerFault[] = [];
  /** Table API lists asking for more rows than this are capped or refused (undefined: no limit). */
  pageLimit: PageLimit | undefined;

  /** Hides rows of `table` (replaces any earlier rule for that table). */
  hideRows(table: string, rows: HiddenRows): this {
    this.hiddenRows.set(table, rows);
    return this;
  }

  /** Hides fields of `table` (adds to the fields already hidden). */
  hideFields(table: string, ...fields: string[]): this {
    const set = this.hiddenFields.get(table) ?? new Set<string>();
    for (const f of fields) set.add(f);
    this.hiddenFields.set(table, set);
    return this;
  }

  /** Queues a one-shot response for the next `times` matching requests. */
  script(fault: ScriptedFault): this {
    this.scripted.push({ ...fault, times: fault.times ?? 1 });
    return this;
  }

  /** Breaks the answers of matching requests (see Malformation). */
  malform(fault: MalformedAnswerFault): this {
    this.malformed.push({ ...fault, path: fault.path ?? "/api/now/table/" });
    return this;
  }

  /** Takes (and counts down) the first malformation matching a request. */
  takeMalformation(path: string, table: string | undefined): Malformation | undefined {
    const index = this.malformed.findIndex(
      (f) => (f.table === undefined || f.table === table) && (f.path === undefined || path.includes(f.path)),
    );
    if (index < 0) return undefined;
    const fault = this.malformed[index]!;
    if (fault.times !== undefined) {
      if (fault.times <= 1) this.malformed.splice(index, 1);
      else this.malformed[index] = { ...fault, times: fault.times - 1 };
    }
    return fault.answer;
  }

  /** Clears every switch. */
  reset(): void {
    this.missingTables.clear();
    this.forbiddenTables.clear();
    this.hiddenRows.clear();
    this.hiddenFields.clear();
    this.scripted.length = 0;
    this.malformed.length = 0;
    this.pageLimit = undefined;
  }

  /** Whether a row is hidden by an ACL rule on `table`. */
  isRowHidden(table: string, record: () => SimRecord): boolean {
    const rule = this.hiddenRows.get(table);
    if (!rule) return false;
    const r = record();
    return typeof rule === "function" ? rule(r) : rule.has(r.sys_id ?? "");
  }

  /** Takes (and counts down) the first scripted fault matching a request. */
  take(path: string, table: string | undefined, method = "GET"): ScriptedFault | undefined {
    const index = this.scripted.findIndex(
      (f) =>
        (f.table === undefined || f.table === table) &&
        (f.path === undefined || path.includes(f.path)) &&
        (f.method === undefined || f.method === method),
    );
    if (index < 0) return undefined;
    const fault = this.scripted[index]!;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.scripted.splice(index, 1);
    else this.scripted[index] = { ...fault, times: left };
    return fault;
  }
}
