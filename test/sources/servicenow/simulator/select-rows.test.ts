/**
 * The query planner's shortcuts (sys_id order, keyset ranges, IN lists through indexes, dot-walks
 * decided per referenced row) must answer exactly what the straightforward path answers: every
 * row checked with `matchesCondition`, references followed record by record, then a stable sort.
 * The straightforward path is written out here, independent of the simulator's views.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type EncodedQuery,
  matchesCondition,
  parseEncodedQuery,
  pruneUnknownFields,
} from "../../../../src/sources/servicenow/simulator/encoded-query.js";
import { generateInstance } from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import {
  type InstanceData,
  insertRow,
  type SimRecord,
} from "../../../../src/sources/servicenow/simulator/instance-data.js";
import { selectRows } from "../../../../src/sources/servicenow/simulator/select-rows.js";
import { SimulatorFaults } from "../../../../src/sources/servicenow/simulator/simulator-faults.js";
import { type ApiContext, listRecords } from "../../../../src/sources/servicenow/simulator/table-api.js";
import { createViews, type TableView } from "../../../../src/sources/servicenow/simulator/table-view.js";

const NOW = new Date("2026-03-15T12:00:00Z");
const BASE_URL = "http://sim.test";

/** Whether `path` (possibly dot-walked) is a field of `table`, by the schema alone. */
function knows(data: InstanceData, table: string, path: string): boolean {
  const t = data.tables.get(table);
  const [head = "", ...rest] = path.split(".");
  if (!t?.fields.includes(head)) return false;
  if (rest.length === 0) return true;
  const target = t.references[head];
  return target !== undefined && knows(data, target, rest.join("."));
}

/** The straightforward read: the record's value, references followed through indexById. */
function naiveGet(data: InstanceData, table: string, row: number, path: string): string {
  const t = data.tables.get(table)!;
  const [head = "", ...rest] = path.split(".");
  const value = t.rows[row]?.[head] ?? "";
  if (rest.length === 0) return value;
  const target = t.references[head]!;
  const targetRow = value === "" ? undefined : data.tables.get(target)!.indexById.get(value);
  return targetRow === undefined ? "" : naiveGet(data, target, targetRow, rest.join("."));
}

function referenceTableOf(data: InstanceData, table: string, path: string): string | undefined {
  const t = data.tables.get(table)!;
  const [head = "", ...rest] = path.split(".");
  const target = t.references[head];
  if (rest.length === 0 || target === undefined) return target;
  return referenceTableOf(data, target, rest.join("."));
}

/** Every row checked against every condition, then a stable sort: the semantics to keep. */
function naiveSelect(data: InstanceData, table: string, query: EncodedQuery): number[] {
  const pruned = pruneUnknownFields(query, { hasField: (p) => knows(data, table, p) });
  const rows: number[] = [];
  const size = data.tables.get(table)!.rows.length;
  for (let row = 0; row < size; row++) {
    const matches = pruned.groups.some((group) =>
      group.every((term) => term.some((c) => matchesCondition(c, naiveGet(data, table, row, c.field)))),
    );
    if (matches) rows.push(row);
  }
  return rows.sort((a, b) => {
    for (const { field, descending } of pruned.orderBy) {
      const x = naiveGet(data, table, a, field);
      const y = naiveGet(data, table, b, field);
      if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    }
    return 0;
  });
}

function naiveSerialize(data: InstanceData, table: string, row: number, fields: readonly string[]) {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = naiveGet(data, table, row, field);
    const target = referenceTableOf(data, table, field);
    out[field] =
      target === undefined || value === ""
        ? value
        : { link: `${BASE_URL}/api/now/table/${target}/${value}`, value };
  }
  return out;
}

/** Small scaled data with awkward rows: duplicate, numeric-looking and empty sys_ids, dangling references. */
function awkwardInstance(): InstanceData {
  const data = generateInstance({
    now: NOW,
    seed: 5,
    scale: { users: 1_500, machineIdentities: 400, transactions30d: 3_000 },
  });
  const users = data.tables.get("sys_user")!;
  const roles = data.tables.get("sys_user_has_role")!;
  const someUser = users.rows[users.rows.length - 1]!;
  const role = data.tables.get("sys_user_role")!.rows[0]!;
  const duplicate = roles.rows[10]!.sys_id!;
  insertRow(roles, { sys_id: duplicate, user: someUser.sys_id!, role: role.sys_id! });
  insertRow(roles, { sys_id: "12345", user: someUser.sys_id!, role: role.sys_id! });
  insertRow(roles, { sys_id: "", user: "", role: role.sys_id! });
  insertRow(roles, { sys_id: "ffffffffffffffffffffffffffffff01", user: "0".repeat(32), role: "" });
  // A duplicate in the middle of the order, not only at its end.
  insertRow(roles, { sys_id: roles.rows[3]!.sys_id!, user: users.rows[2]!.sys_id!, role: role.sys_id! });
  return data;
}

/** Values a query generator draws from: real ones (so conditions match something) and odd ones. */
function valuePool(data: InstanceData, table: string, field: string): string[] {
  const t = data.tables.get(table)!;
  const values = new Set<string>(["", "true", "false", "0", "123", "12345", "zzz", "a"]);
  for (let row = 0; row < t.rows.length; row += Math.max(1, Math.floor(t.rows.length / 40))) {
    values.add(naiveGet(data, table, row, field));
  }
  return [...values].filter((v) => !v.includes("^") && !v.includes(",") && !v.includes("@"));
}

const OPERATORS = [
  "=",
  "!=",
  "IN",
  "NOT IN",
  "<",
  "<=",
  ">",
  ">=",
  "LIKE",
  "NOT LIKE",
  "STARTSWITH",
  "ENDSWITH",
  "ISEMPTY",
  "ISNOTEMPTY",
  "BETWEEN",
  "ANYTHING",
] as const;

const FIELDS: Record<string, string[]> = {
  sys_user: [
    "sys_id",
    "user_name",
    "active",
    "web_service_access_only",
    "internal_integration_user",
    "manager",
    "manager.active",
    "manager.user_name",
    "last_login_time",
    "no_such_field",
  ],
  sys_user_has_role: [
    "sys_id",
    "user",
    "role",
    "user.web_service_access_only",
    "user.internal_integration_user",
    "user.active",
    "user.user_name",
    "user.manager.active",
    "role.name",
  ],
  sys_user_login_history: ["sys_id", "user", "sys_created_on", "type", "user.web_service_access_only"],
};

/** Encoded queries over `table`, as text, built from the table's fields and values. */
function queryArbitrary(data: InstanceData, table: string): fc.Arbitrary<string> {
  const fields = FIELDS[table]!;
  const pools = new Map(fields.map((f) => [f, valuePool(data, table, f)]));
  // IN lists and sys_id conditions are what the planner shortcuts, so they come up most.
  const condition = fc
    .record({
      field: fc.oneof(
        { arbitrary: fc.constantFrom(...fields), weight: 3 },
        { arbitrary: fc.constantFrom(fields[0]!, fields[1]!), weight: 2 },
      ),
      operator: fc.oneof(
        { arbitrary: fc.constantFrom(...OPERATORS), weight: 3 },
        { arbitrary: fc.constantFrom("IN" as const, ">" as const), weight: 2 },
      ),
      pick: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    })
    .map(({ field, operator, pick }) => {
      const pool = pools.get(field) ?? [""];
      const values = pick.map((i) => pool[i % pool.length]!);
      if (operator === "IN" || operator === "NOT IN") return `${field}${operator}${values.join(",")}`;
      if (operator === "BETWEEN") return `${field}BETWEEN${values[0]}@${values[values.length - 1]}`;
      return `${field}${operator}${values[0]}`;
    });
  const term = fc.array(condition, { minLength: 1, maxLength: 2 }).map((cs) => cs.join("^OR"));
  const group = fc.array(term, { minLength: 1, maxLength: 4 }).map((ts) => ts.join("^"));
  const order = fc.constantFrom(
    "",
    "^ORDERBYsys_id",
    "^ORDERBYDESCsys_id",
    `^ORDERBY${fields[1]}`,
    `^ORDERBYDESC${fields[2]}^ORDERBYsys_id`,
    "^ORDERBYsys_id^ORDERBYDESCsys_id",
  );
  return fc
    .tuple(fc.array(group, { minLength: 1, maxLength: 3 }), order)
    .map(([groups, by]) => `${groups.join("^NQ")}${by}`);
}

describe("query planner against the straightforward path", () => {
  let data: InstanceData;
  let views: Map<string, TableView>;
  beforeAll(() => {
    data = awkwardInstance();
    views = createViews(data);
  });
  const check = (table: string, text: string) => {
    const query = parseEncodedQuery(text, NOW);
    expect(Array.from(selectRows(views.get(table)!, query)), text).toEqual(naiveSelect(data, table, query));
  };

  it("agrees on generated queries over users, role assignments and logins", () => {
    for (const table of Object.keys(FIELDS)) {
      fc.assert(
        fc.property(queryArbitrary(data, table), (text) => check(table, text)),
        { numRuns: 150, seed: 42 },
      );
    }
  });

  it("agrees on keyset conditions, IN lists with many values and sys_id ranges", () => {
    const roles = data.tables.get("sys_user_has_role")!.rows;
    const users = data.tables.get("sys_user")!.rows;
    const sorted = roles.map((r) => r.sys_id!).sort();
    const cursors = [
      sorted[0]!,
      sorted[sorted.length >> 1]!,
      sorted[sorted.length - 1]!,
      "",
      "5",
      "g",
      "12345",
    ];
    const walk = "user.web_service_access_only=true^user.internal_integration_user!=true";
    for (const cursor of cursors) {
      for (const op of [">", ">=", "<", "<=", "="]) {
        check("sys_user_has_role", `${walk}^sys_id${op}${cursor}^ORDERBYsys_id`);
        check("sys_user_has_role", `sys_id${op}${cursor}^ORDERBYDESCsys_id`);
        check("sys_user_has_role", `sys_id${op}${cursor}^NQrole.name=admin^ORDERBYsys_id`);
      }
    }
    const ids = users.filter((_, i) => i % 7 === 0).map((u) => u.sys_id!);
    const names = users.filter((_, i) => i % 5 === 0).map((u) => u.user_name!);
    const list = [...ids.slice(0, 180), "nope", ids[0]!, ""].join(",");
    check("sys_user", `sys_idIN${list}^ORDERBYsys_id`);
    check("sys_user", `sys_idIN${list}`);
    check("sys_user", `sys_idNOT IN${list}^active=true^ORDERBYDESCsys_id`);
    check("sys_user", `user_nameIN${names.join(",")},nobody^ORDERBYsys_id`);
    check("sys_user", `user_nameIN${names.join(",")}^sys_id>${ids[3]}^ORDERBYsys_id`);
    check("sys_user", `user_nameIN${names.join(",")}^ORuser_name=nobody`);
    check("sys_user_has_role", `userIN${list}^ORDERBYsys_id`);
    check("sys_user_has_role", `userIN${list}^sys_idIN${sorted.slice(0, 900).join(",")}^ORDERBYsys_id`);
    check("sys_user_has_role", `userIN${list}^NQuserIN${ids.slice(100).join(",")}^ORDERBYsys_id`);
    check(
      "sys_user_has_role",
      `roleIN${data.tables
        .get("sys_user_role")!
        .rows.map((r) => r.sys_id)
        .join(",")}`,
    );
    check("sys_user_login_history", `userIN${list}^sys_created_on>=2026-02-13 00:00:00`);
    check("sys_user_has_role", "ORDERBYsys_id");
    check("sys_user_has_role", "ORDERBYDESCsys_id");
    check("sys_user_has_role", "sys_idISEMPTY^ORDERBYsys_id");
  });

  it("stays exact after PATCH-like writes and appended rows", () => {
    const local = awkwardInstance();
    const localViews = createViews(local);
    const users = local.tables.get("sys_user")!;
    const roles = local.tables.get("sys_user_has_role")!;
    const queries: Array<[string, string]> = [
      [
        "sys_user_has_role",
        "user.web_service_access_only=true^user.internal_integration_user!=true^ORDERBYsys_id",
      ],
      [
        "sys_user_has_role",
        `userIN${users.rows
          .slice(0, 300)
          .map((u) => u.sys_id)
          .join(",")}^ORDERBYsys_id`,
      ],
      [
        "sys_user",
        `user_nameIN${users.rows
          .slice(0, 300)
          .map((u) => u.user_name)
          .join(",")},renamed.one`,
      ],
      ["sys_user", "web_service_access_only=true^ORDERBYsys_id"],
    ];
    const agree = () => {
      for (const [table, text] of queries) {
        const query = parseEncodedQuery(text, NOW);
        expect(Array.from(selectRows(localViews.get(table)!, query)), text).toEqual(
          naiveSelect(local, table, query),
        );
      }
    };
    agree();
    // Writes straight into the records (what PATCH does), including references and indexed values.
    for (let i = 0; i < users.rows.length; i += 9) {
      const user = users.rows[i]!;
      user.web_service_access_only = user.web_service_access_only === "true" ? "false" : "true";
    }
    users.rows[1]!.user_name = "renamed.one";
    roles.rows[0]!.user = users.rows[5]!.sys_id!;
    roles.rows[1]!.user = "";
    agree();
    // Appended rows, referencing each other (the referenced table grows too).
    const added: SimRecord = insertRow(users, {
      sys_id: "0000000000000000000000000000000a",
      user_name: "late.arrival",
      web_service_access_only: "true",
      internal_integration_user: "false",
    });
    insertRow(roles, { sys_id: "00000000000000000000000000000001", user: added.sys_id!, role: "" });
    insertRow(roles, { sys_id: "fffffffffffffffffffffffffffffffe", user: users.rows[0]!.sys_id!, role: "" });
    queries.push(["sys_user_has_role", `userIN${added.sys_id},${users.rows[0]!.sys_id}^ORDERBYsys_id`]);
    agree();
  });
});

describe("Table API pages against the straightforward path", () => {
  it("keyset-pages role assignments with dot-walks and ACL-hidden rows like the naive plan", () => {
    const data = awkwardInstance();
    const faults = new SimulatorFaults();
    const ctx: ApiContext = { baseUrl: BASE_URL, views: createViews(data), faults, now: () => NOW };
    const roles = data.tables.get("sys_user_has_role")!.rows;
    const hidden = new Set(roles.filter((_, i) => i % 4 === 1 || (i > 200 && i < 320)).map((r) => r.sys_id!));
    faults.hideRows("sys_user_has_role", hidden);
    const base = "user.web_service_access_only=true^user.internal_integration_user!=true";
    const fields = ["sys_id", "user", "role.name", "user.user_name", "nonsense"];
    const limit = 37;
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    let offset = 0;
    for (let request = 0; request < 1000; request++) {
      const query = cursor === undefined ? `${base}^ORDERBYsys_id` : `${base}^sys_id>${cursor}^ORDERBYsys_id`;
      const params = new URLSearchParams({
        sysparm_query: query,
        sysparm_fields: fields.join(","),
        sysparm_limit: String(limit),
        sysparm_offset: String(offset),
      });
      const res = listRecords(
        ctx,
        "sys_user_has_role",
        "/api/now/table/sys_user_has_role",
        params,
        undefined,
      );
      const page = (res.body as { result: Array<Record<string, unknown>> }).result;
      const expected = naiveSelect(data, "sys_user_has_role", parseEncodedQuery(query, NOW));
      expect(res.headers?.["X-Total-Count"]).toBe(String(expected.length));
      const visible = expected
        .slice(offset, offset + limit)
        .filter((row) => !hidden.has(roles[row]!.sys_id!))
        .map((row) => naiveSerialize(data, "sys_user_has_role", row, fields.slice(0, 4)));
      expect(page).toEqual(visible);
      seen.push(...page);
      if (page.length > 0) {
        if (expected.length <= offset + limit) break;
        cursor = page[page.length - 1]!.sys_id as string;
        offset = 0;
      } else if (expected.length <= offset + limit) break;
      else offset += limit;
    }
    const all = naiveSelect(data, "sys_user_has_role", parseEncodedQuery(`${base}^ORDERBYsys_id`, NOW));
    const visible = all.filter((row) => !hidden.has(roles[row]!.sys_id!));
    expect(seen.map((r) => r.sys_id)).toEqual(visible.map((row) => roles[row]!.sys_id));
    expect(seen.length).toBeGreaterThan(100);
  });
});
