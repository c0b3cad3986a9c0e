/**
 * A large synthetic instance for the benchmark: hundreds of thousands of users, tens of
 * thousands of machine identities and millions of REST transactions. The transaction log is
 * written straight into typed-array columns, already in time order, so no per-row objects exist.
 * Machine identities are owned by a small pool of people (about one per ten identities), and
 * every risk the rules look for occurs: dormant, Basic auth, WSAO off, UI and API, privileged,
 * and each kind of ownership problem (none, deleted, inactive, no email).
 */

import { InstanceBuilder } from "./instance-builder.js";
import { HTTP_METHODS, type HttpMethod, type InstanceData, type TransactionLog } from "./instance-data.js";
import type { Prng } from "./prng.js";

export interface InstanceScale {
  /** All sys_user rows (humans + machine identities + a few internal integration users). */
  users: number;
  /** Machine identities: WSAO accounts plus non-WSAO accounts using APIs (REST, or SOAP with Basic auth). */
  machineIdentities: number;
  /** REST transactions in the 30 days before now (older rows come on top). */
  transactions30d: number;
}

/** Days of transaction log kept, as a real instance keeps about 8 weeks. */
export const SCALED_LOG_DAYS = 56;

const FIRST = [
  "alex",
  "maria",
  "chen",
  "fatima",
  "john",
  "olga",
  "pedro",
  "yuki",
  "amir",
  "lena",
  "kofi",
  "sara",
];
const LAST = [
  "smith",
  "garcia",
  "wang",
  "khan",
  "mueller",
  "rossi",
  "silva",
  "sato",
  "cohen",
  "novak",
  "mensah",
];
const SYSTEMS = [
  "sap",
  "workday",
  "jira",
  "splunk",
  "okta",
  "datadog",
  "sccm",
  "tableau",
  "salesforce",
  "github",
];
const TABLES = [
  "incident",
  "change_request",
  "problem",
  "sc_req_item",
  "cmdb_ci_server",
  "kb_knowledge",
  "sys_user",
];
const COMMON_ROLES = [
  "itil",
  "snc_platform_rest_api_access",
  "catalog",
  "knowledge",
  "asset",
  "report_user",
  "import_transformer",
  "rest_api_explorer",
  "web_service_admin",
];
const PRIVILEGED = ["admin", "security_admin", "user_admin", "oauth_admin"];

/** Picks an index by cumulative weight (binary search). */
function pickWeighted(cumulative: Float64Array, rng: Prng): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = rng.next() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cumulativeOf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(Math.max(1, weights.length));
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

/** People owning machine identities, per machine identity (one owner for about ten accounts). */
const OWNER_POOL_SHARE = 0.1;

/**
 * Who owns (is the `manager` of) the machine identities. As in real organisations, service
 * accounts belong to a small group: a pool of about `identities / 10` people (platform and
 * integration teams), a few owning many accounts and most a handful. Among the pool, people who
 * have left stay as inactive owners (the humans' 5% turnover), a few have no email address; 2%
 * of identities have no owner and 0.3% name an owner whose record was deleted. Draws one owner
 * sys_id (or "") per call.
 */
function machineOwners(
  rng: Prng,
  b: InstanceBuilder,
  humanIds: readonly string[],
  identities: number,
): () => string {
  const size = Math.max(1, Math.min(humanIds.length, Math.round(identities * OWNER_POOL_SHARE)));
  // A partial Fisher-Yates shuffle: `size` distinct people, anywhere in the organisation.
  const order = Int32Array.from(humanIds, (_, i) => i);
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    const j = rng.int(i, order.length - 1);
    const picked = order[j] ?? 0;
    order[j] = order[i] ?? 0;
    order[i] = picked;
    pool.push(humanIds[picked] ?? "");
  }
  // Owners without an email address (a shared or badly provisioned account).
  const users = b.table("sys_user");
  for (let i = 41; i < size; i += 97) {
    const row = users.indexById.get(pool[i] ?? "");
    const record = row === undefined ? undefined : users.rows[row];
    if (record) record.email = "";
  }
  return () => {
    const r = rng.next();
    if (r < 0.02) return "";
    if (r < 0.023) return rng.sysId();
    // Skewed towards the start of the pool: a few owners hold many accounts.
    return pool[Math.floor(size * rng.next() ** 1.5)] ?? "";
  };
}

/**
 * active: REST calls in the last 30 days; quiet: REST calls only 30–56 days ago; soap: in use, but
 * through SOAP with Basic auth, so only its Basic-auth record shows it (no REST row);
 * dormant/disabled: none.
 */
type Activity = "active" | "soap" | "dormant" | "quiet" | "disabled";

interface LogInputs {
  userNames: string[];
  firstMachineIndex: number;
  urls: string[];
  urlMethod: number[];
  urlStart: number[];
  urlCount: number[];
  weight: number[];
  activity: Activity[];
  humans: number;
}

/** Builds a scaled instance; deterministic for a given rng seed, `now` and scale. */
export function buildScaledInstance(rng: Prng, now: Date, seed: number, scale: InstanceScale): InstanceData {
  const nowMs = now.getTime();
  const b = new InstanceBuilder(rng, nowMs);
  const machines = Math.max(1, Math.min(scale.machineIdentities, scale.users - 2));
  const internals = Math.max(1, Math.round(machines * 0.004));
  const humans = Math.max(1, scale.users - machines - internals);

  // Humans: a manager layer (2%) and their reports; 5% have left (inactive).
  const userNames: string[] = [];
  const humanIds: string[] = [];
  const managerCount = Math.max(1, Math.ceil(humans * 0.02));
  for (let i = 0; i < humans; i++) {
    const userName = `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i}`;
    const active = i === 0 || !rng.chance(0.05);
    const manager = i === 0 ? "" : (humanIds[i < managerCount ? 0 : rng.int(0, managerCount - 1)] ?? "");
    const record = b.addUser({
      userName,
      name: userName.replace(".", " "),
      email: `${userName}@acme.example`,
      manager,
      active,
      lastLoginDaysAgo: active ? rng.int(0, 20) : rng.int(60, 400),
      createdDaysAgo: rng.int(100, 3000),
    });
    humanIds.push(record.sys_id ?? "");
    userNames.push(userName);
    if (rng.chance(0.3)) b.grant(record.sys_id ?? "", rng.pick(["itil", "catalog", "knowledge"]));
  }
  // Interactive logins of a sample of humans (the history is kept 30 days).
  for (let i = 0; i < humans; i += 10) {
    for (let k = rng.int(1, 3); k > 0; k--) b.addLogin(humanIds[i] ?? "", rng.next() * 30, "SSO");
  }
  const ownerOf = machineOwners(rng, b, humanIds, machines + internals);

  const input: LogInputs = {
    userNames,
    firstMachineIndex: userNames.length,
    urls: [],
    urlMethod: [],
    urlStart: [],
    urlCount: [],
    weight: [],
    activity: [],
    humans,
  };
  const randomCalls = (): Array<[HttpMethod, string]> => {
    const calls: Array<[HttpMethod, string]> = [];
    for (let k = rng.int(2, 6); k > 0; k--) {
      const table = rng.pick(TABLES);
      const r = rng.next();
      if (r < 0.45) calls.push(["GET", `/api/now/table/${table}/${rng.sysId()}?sysparm_fields=number`]);
      else if (r < 0.7)
        calls.push(["GET", `/api/now/table/${table}?sysparm_query=active%3Dtrue&sysparm_limit=100`]);
      else if (r < 0.82) calls.push(["PATCH", `/api/now/table/${table}/${rng.sysId()}`]);
      else if (r < 0.92) calls.push(["POST", `/api/now/table/${table}`]);
      else calls.push(["GET", `/api/now/stats/${table}?sysparm_count=true`]);
    }
    return calls;
  };

  for (let m = 0; m < machines + internals; m++) {
    const internal = m >= machines;
    const nonWsao = internal || rng.chance(0.1);
    const r = rng.next();
    // Non-WSAO accounts are identities only because they use APIs, so they stay active; one in
    // ten of the integrations among them speaks SOAP.
    const state: Activity = nonWsao
      ? !internal && r < 0.1
        ? "soap"
        : "active"
      : r < 0.08
        ? "dormant"
        : r < 0.11
          ? "quiet"
          : r < 0.12
            ? "disabled"
            : "active";
    const system = SYSTEMS[m % SYSTEMS.length] ?? "api";
    const userName = internal ? `mid_server_${m}` : `svc_${system}_${m}`;
    const record = b.addUser({
      userName,
      name: `${system.toUpperCase()} integration ${m}`,
      manager: ownerOf(),
      active: state !== "disabled",
      wsao: !nonWsao,
      internal,
      lastLoginDaysAgo: state === "dormant" ? rng.int(120, 800) : undefined,
      createdDaysAgo: rng.int(60, 2500),
    });
    const id = record.sys_id ?? "";
    userNames.push(userName);
    const roles = new Set<string>();
    if (rng.chance(0.06)) roles.add(rng.pick(PRIVILEGED));
    for (let want = rng.int(2, 4); roles.size < want; ) roles.add(rng.pick(COMMON_ROLES));
    for (const role of roles) b.grant(id, role);

    const calls = randomCalls();
    input.urlStart.push(input.urls.length);
    input.urlCount.push(calls.length);
    for (const [method, url] of calls) {
      input.urls.push(url);
      input.urlMethod.push(HTTP_METHODS.indexOf(method));
    }
    input.activity.push(state);
    input.weight.push(state === "active" || state === "quiet" ? 1 + 60 * rng.next() ** 4 : 0);

    if (state === "soap") {
      b.addBasicAuthException(id, rng.next() * 7, rng.int(10, 100_000), "global", "SOAP");
    } else if (state === "active") {
      if (rng.chance(0.12)) b.addBasicAuthException(id, rng.next() * 29, rng.int(10, 100_000));
      else {
        // The refresh token (valid 100 days) and the latest access token it was exchanged for.
        b.addOAuthToken(id, "refresh_token", rng.int(2, 95));
        b.addOAuthToken(id, "access_token", rng.next() * 2);
      }
      if (rng.chance(nonWsao && !internal ? 0.3 : 0.01)) {
        for (let k = rng.int(1, 4); k > 0; k--) b.addLogin(id, rng.next() * 29, "DB");
      }
    } else if (state === "dormant" && rng.chance(0.3)) {
      b.addBasicAuthException(id, rng.int(101, 400), rng.int(1, 5000), "converted");
    }
  }

  const transactions = buildLog(rng, nowMs, scale.transactions30d, input);
  return { now, seed, tables: b.tables, transactions, scenarios: {} };
}

/**
 * Writes the log in time order: the last 30 days hold exactly `rest30d` REST rows from active
 * identities (plus ~5% UI rows of humans); days 30–56 hold half the daily volume, from active
 * and "quiet" identities.
 */
function buildLog(rng: Prng, nowMs: number, rest30d: number, input: LogInputs): TransactionLog {
  const uiShare = 0.05;
  const recentRows = Math.round(rest30d / (1 - uiShare));
  const olderRows = Math.round((recentRows * (SCALED_LOG_DAYS - 30)) / 30 / 2);
  const n = recentRows + olderRows;
  const uiUrls = TABLES.flatMap((t) => [`/${t}_list.do?sysparm_query=active%3Dtrue`, `/${t}.do`]);
  const log = {
    kind: "transactions" as const,
    name: "syslog_transaction" as const,
    count: n,
    sysIdPrefix: rng.sysId().slice(0, 24),
    userNames: input.userNames,
    urls: [...input.urls, ...uiUrls],
    user: new Uint32Array(n),
    time: new Uint32Array(n),
    url: new Uint32Array(n),
    method: new Uint8Array(n),
    type: new Uint8Array(n),
    responseTime: new Uint16Array(n),
  };
  const recentWeights = cumulativeOf(input.weight.map((w, i) => (input.activity[i] === "active" ? w : 0)));
  const olderWeights = cumulativeOf(input.weight);
  const nowSec = Math.floor(nowMs / 1000);
  // The recent window starts where gs.daysAgoStart(30) does, so "30 days" means the same everywhere.
  const recentFrom = Math.floor(nowMs / 86_400_000 - 30) * 86_400;
  const windows = [
    {
      from: nowSec - SCALED_LOG_DAYS * 86_400,
      to: recentFrom,
      rows: olderRows,
      weights: olderWeights,
      recent: false,
    },
    { from: recentFrom, to: nowSec, rows: recentRows, weights: recentWeights, recent: true },
  ];
  // Every active identity calls at least once in the window, so the identity count is exact.
  const forced = input.activity.flatMap((a, i) => (a === "active" ? [i] : []));
  const stride = Math.max(1, Math.floor(recentRows / Math.max(1, forced.length)));
  let nextForced = 0;
  let row = 0;
  let restLeft = rest30d;
  for (const w of windows) {
    const span = w.to - w.from;
    for (let i = 0; i < w.rows; i++, row++) {
      // Evenly spread with jitter, still ascending: (i + r) / rows increases with i.
      log.time[row] = w.from + Math.floor(((i + rng.next()) * span) / w.rows);
      // In the recent window exactly `rest30d` rows are REST; the remainder are UI rows.
      const rowsLeft = w.rows - i;
      const forcedSlot = w.recent && i % stride === 0 && nextForced < forced.length;
      const ui = forcedSlot
        ? false
        : w.recent
          ? restLeft <= 0 || (restLeft < rowsLeft && rng.chance(uiShare))
          : rng.chance(uiShare);
      if (ui) {
        const u = rng.int(0, uiUrls.length - 1);
        log.user[row] = rng.int(0, input.humans - 1);
        log.url[row] = input.urls.length + u;
        log.type[row] = u % 2 === 0 ? 2 : 1;
        log.method[row] = 0;
      } else {
        if (w.recent) restLeft--;
        const identity = forcedSlot ? (forced[nextForced++] ?? 0) : pickWeighted(w.weights, rng);
        const url = (input.urlStart[identity] ?? 0) + rng.int(0, (input.urlCount[identity] ?? 1) - 1);
        log.user[row] = input.firstMachineIndex + identity;
        log.url[row] = url;
        log.method[row] = input.urlMethod[url] ?? 0;
        log.type[row] = 0;
      }
      log.responseTime[row] = 20 + Math.floor(rng.next() ** 3 * 3000);
    }
  }
  return log;
}
