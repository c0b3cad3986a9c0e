import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { createLogger, type Logger } from "../../../src/logger.js";
import type { RawRecord, ServiceNowClientOptions } from "../../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../../src/sources/servicenow/create-servicenow-client.js";
import {
  errorReply,
  inOrder,
  jsonReply,
  type RecordedRequest,
  type ScriptedServer,
  startScriptedServer,
} from "../../helpers/scripted-server.js";

const PASSWORD = "pa55-w0rd!";
const CLIENT_SECRET = "cl1ent-s3cret";
const BASIC = { kind: "basic", username: "svc.warden", password: PASSWORD } as const;
const OAUTH = { kind: "oauth", clientId: "warden-client", clientSecret: CLIENT_SECRET } as const;

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

function setup(overrides: Partial<ServiceNowClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = createServiceNowClient({
    baseUrl: server.url,
    auth: BASIC,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps };
}

/** Rejection of `promise` as a SourceError (fails the test otherwise). */
async function sourceError(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

/** A Logger that keeps every entry as a JSON line. */
function capturingLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }));
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}

const apiRequests = (): RecordedRequest[] => server.requests.filter((r) => r.path !== "/oauth_token.do");
const tokenRequests = (): RecordedRequest[] => server.requests.filter((r) => r.path === "/oauth_token.do");

describe("authentication", () => {
  it("sends Basic auth and Accept: application/json", async () => {
    server.handle(() => jsonReply({ sys_id: "abc", name: "bot" }));
    const { client } = setup();
    await expect(client.get("sys_user", "abc", ["sys_id", "name"])).resolves.toEqual({
      sys_id: "abc",
      name: "bot",
    });
    const [req] = server.requests;
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`svc.warden:${PASSWORD}`).toString("base64")}`,
    );
    expect(req?.headers.accept).toBe("application/json");
    expect(req?.path).toBe("/api/now/table/sys_user/abc");
    expect(req?.query.get("sysparm_fields")).toBe("sys_id,name");
    expect(req?.query.get("sysparm_exclude_reference_link")).toBe("true");
  });

  it("fetches an OAuth token once, shares it, and re-fetches 60 s before expiry", async () => {
    let issued = 0;
    server.handle((req) => {
      if (req.path === "/oauth_token.do") {
        issued++;
        return { body: { access_token: `tok-${issued}`, token_type: "Bearer", expires_in: 1800 } };
      }
      return jsonReply({ sys_id: "x", seen: req.headers.authorization });
    });
    let clock = 1_000_000;
    const { client } = setup({ auth: OAUTH, now: () => clock });

    // Concurrent first callers share one token request.
    await Promise.all([1, 2, 3].map(() => client.get("sys_user", "x", ["sys_id"])));
    for (let i = 0; i < 4; i++) await client.get("sys_user", "x", ["sys_id"]);
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests().every((r) => r.headers.authorization === "Bearer tok-1")).toBe(true);

    const [token] = tokenRequests();
    expect(token?.method).toBe("POST");
    expect(token?.rawQuery).toBe("");
    expect(token?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(token?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "warden-client",
      client_secret: CLIENT_SECRET,
    });

    clock += (1800 - 61) * 1000; // 61 s left: still good
    await client.get("sys_user", "x", ["sys_id"]);
    expect(tokenRequests()).toHaveLength(1);
    clock += 2000; // 59 s left: replaced
    const record = await client.get("sys_user", "x", ["sys_id"]);
    expect(tokenRequests()).toHaveLength(2);
    expect(record?.seen).toBe("Bearer tok-2");
    expect(client.requestCount).toBe(2 + 9);
  });

  it("re-authenticates once on a 401 and then succeeds", async () => {
    let issued = 0;
    server.handle((req) => {
      if (req.path === "/oauth_token.do")
        return { body: { access_token: `tok-${++issued}`, expires_in: 1800 } };
      return req.headers.authorization === "Bearer tok-1"
        ? errorReply(401, "User Not Authenticated", "Required to provide Auth information")
        : jsonReply({ sys_id: "x" });
    });
    const { client } = setup({ auth: OAUTH });
    await expect(client.get("sys_user", "x", ["sys_id"])).resolves.toEqual({ sys_id: "x" });
    expect(server.requests.map((r) => r.path)).toEqual([
      "/oauth_token.do",
      "/api/now/table/sys_user/x",
      "/oauth_token.do",
      "/api/now/table/sys_user/x",
    ]);
    expect(client.requestCount).toBe(4);
  });

  it("gives up after a second 401 with E_SOURCE_AUTH", async () => {
    let issued = 0;
    server.handle((req) =>
      req.path === "/oauth_token.do"
        ? { body: { access_token: `tok-${++issued}`, expires_in: 1800 } }
        : errorReply(401, "User Not Authenticated", "Required to provide Auth information"),
    );
    const { client } = setup({ auth: OAUTH });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_AUTH");
    expect(error.status).toBe(401);
    expect(error.message).toContain("SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET");
    expect(error.message).not.toContain("tok-");
    expect(client.requestCount).toBe(4);
  });

  it("explains wrong Basic credentials without leaking the password to the message or the logs", async () => {
    server.handle(() => errorReply(401, "User Not Authenticated", "Required to provide Auth information"));
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const { client } = setup({ logger: createLogger("debug", sink), retries: 3 });
    const error = await sourceError(client.list("sys_user", { fields: ["user_name"] }).next());
    expect(error.code).toBe("E_SOURCE_AUTH");
    expect(error.message).toBe(
      "ServiceNow GET /api/now/table/sys_user failed: 401 User Not Authenticated (Required to provide Auth information). " +
        "Check SERVICENOW_USERNAME/SERVICENOW_PASSWORD (or SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET). " +
        "The bot's account should be web-service-access-only or use OAuth: instances now refuse Basic auth for interactive accounts.",
    );
    expect(server.requests).toHaveLength(1); // 401 is not retried
    const encoded = Buffer.from(`svc.warden:${PASSWORD}`).toString("base64");
    const everything = [error.message, String(error.cause), JSON.stringify(error), chunks.join("")].join(
      "\n",
    );
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encoded);
    // The request was logged at debug with the useful facts.
    const entry = JSON.parse(chunks[0] ?? "{}") as Record<string, unknown>;
    expect(entry).toMatchObject({ method: "GET", path: "/api/now/table/sys_user", status: 401, attempt: 0 });
    expect(typeof entry.ms).toBe("number");
  });

  it("turns a refused token request into E_SOURCE_AUTH without the secret", async () => {
    server.handle(() => ({
      status: 401,
      body: { error: "access_denied", error_description: "Client authentication failed" },
    }));
    const lines: string[] = [];
    const { client } = setup({ auth: OAUTH, logger: capturingLogger(lines) });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_AUTH");
    expect(error.message).toContain(
      "POST /oauth_token.do failed: 401 access_denied: Client authentication failed",
    );
    expect(error.message).toContain("SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET");
    expect(`${error.message}${lines.join("")}`).not.toContain(CLIENT_SECRET);
    expect(apiRequests()).toHaveLength(0);
  });
});

describe("retries", () => {
  it("waits for Retry-After on 429, then succeeds", async () => {
    server.handle(
      inOrder(
        {
          ...errorReply(
            429,
            "Rate limit exceeded",
            "Rate limit of 100 requests per hour for Table API exceeded",
          ),
          headers: { "retry-after": "7" },
        },
        jsonReply({ sys_id: "x" }),
      ),
    );
    const { client, sleeps } = setup();
    await expect(client.get("sys_user", "x", ["sys_id"])).resolves.toEqual({ sys_id: "x" });
    expect(sleeps).toEqual([7000]);
    expect(client.requestCount).toBe(2);
  });

  it("retries 503 with backoff and succeeds on the third request", async () => {
    server.handle(
      inOrder({ status: 503, body: "busy" }, { status: 503, body: "busy" }, jsonReply({ sys_id: "x" })),
    );
    const { client, sleeps } = setup();
    await expect(client.get("sys_user", "x", ["sys_id"])).resolves.toEqual({ sys_id: "x" });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
    expect(client.requestCount).toBe(3);
  });

  it("does not retry 500", async () => {
    server.handle(() => errorReply(500, "Internal error"));
    const { client, sleeps } = setup();
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(error.message).toContain("500 Internal error");
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("reports E_SOURCE_UNAVAILABLE after every retry of a 503", async () => {
    server.handle(() => ({ status: 503, body: "" }));
    const { client } = setup({ retries: 2 });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(error.message).toContain("after 3 attempts");
    expect(client.requestCount).toBe(3);
  });

  it("reports E_SOURCE_RATE_LIMITED when 429 persists", async () => {
    server.handle(() => ({ ...errorReply(429, "Rate limit exceeded"), headers: { "retry-after": "1" } }));
    const { client, sleeps } = setup({ retries: 2 });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_RATE_LIMITED");
    expect(error.message).toContain("sys_rate_limit_rules");
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("times out a hanging server with E_SOURCE_TIMEOUT after retrying", async () => {
    server.handle(() => ({ hang: true }));
    const { client, sleeps } = setup({ timeoutMs: 100, retries: 1 });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_TIMEOUT");
    expect(error.message).toContain("no answer within 100 ms after 2 attempts");
    expect(sleeps).toEqual([500]);
    expect(client.requestCount).toBe(2);
  });

  it("reports a refused connection as E_SOURCE_UNAVAILABLE after retries", async () => {
    const gone = await startScriptedServer();
    await gone.close();
    const { client, sleeps } = setup({ baseUrl: gone.url, retries: 2 });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain(new URL(gone.url).host);
    expect(sleeps).toEqual([500, 1000]);
  });
});

describe("Retry-After longer than allowed", () => {
  const NOW = Date.parse("2026-11-23T02:00:00Z");
  const limited = (retryAfter: string, status = 429) => ({
    ...errorReply(status, status === 429 ? "Rate limit exceeded" : "Service Unavailable"),
    headers: { "retry-after": retryAfter },
  });

  it("gives up at once on a 429 asking for an hour in seconds, saying how long", async () => {
    server.handle(inOrder(limited("3600"), jsonReply({ sys_id: "x" })));
    const { client, sleeps } = setup({ now: () => NOW });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_RETRY_TOO_LONG");
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      "ServiceNow GET /api/now/table/sys_user/x failed: 429 Rate limit exceeded. The instance asked to wait 3600 s before trying again (Retry-After), " +
        "longer than SERVICENOW_MAX_RETRY_AFTER_SECONDS (120 s), so warden gave up at once: try again later, or raise SERVICENOW_MAX_RETRY_AFTER_SECONDS. " +
        "A REST rate-limit rule (sys_rate_limit_rules, counted per hour) caps the bot's account: raise its limit or run warden less often.",
    );
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up at once on an HTTP date too far ahead, naming the time", async () => {
    const later = new Date(NOW + 2 * 3_600_000);
    server.handle(inOrder(limited(later.toUTCString()), jsonReply({ sys_id: "x" })));
    const { client, sleeps } = setup({ now: () => NOW });
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_RETRY_TOO_LONG");
    expect(error.message).toContain(
      `asked to wait until ${later.toISOString()} (7200 s from now) before trying again (Retry-After)`,
    );
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("waits out a shorter HTTP date, and gives up on a long Retry-After on a 503 as well", async () => {
    server.handle(inOrder(limited(new Date(NOW + 30_000).toUTCString()), jsonReply({ sys_id: "x" })));
    const { client, sleeps } = setup({ now: () => NOW });
    await expect(client.get("sys_user", "x", ["sys_id"])).resolves.toEqual({ sys_id: "x" });
    expect(sleeps).toEqual([30_000]);

    server.handle(() => limited("600", 503));
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_RETRY_TOO_LONG");
    expect(error.message).toContain("503 Service Unavailable. The instance asked to wait 600 s");
    expect(error.message).not.toContain("sys_rate_limit_rules");
    expect(sleeps).toEqual([30_000]);
  });

  it("follows the configured maximum, both ways", async () => {
    server.handle(inOrder(limited("10"), limited("11"), jsonReply({ sys_id: "x" })));
    const strict = setup({ now: () => NOW, maxRetryAfterMs: 10_000 });
    const error = await sourceError(strict.client.get("sys_user", "x", ["sys_id"]));
    expect(error.message).toContain("asked to wait 11 s");
    expect(error.message).toContain("SERVICENOW_MAX_RETRY_AFTER_SECONDS (10 s)");
    expect(strict.sleeps).toEqual([10_000]); // 10 s was waited out, 11 s was not

    server.requests.length = 0; // inOrder counts from the first request kept
    server.handle(inOrder(limited("300"), jsonReply({ sys_id: "x" })));
    const patient = setup({ now: () => NOW, maxRetryAfterMs: 600_000 });
    await expect(patient.client.get("sys_user", "x", ["sys_id"])).resolves.toEqual({ sys_id: "x" });
    expect(patient.sleeps).toEqual([300_000]); // not cut down to the default 120 s
  });
});

describe("answers that are not what they seem", () => {
  it("rejects a 200 HTML page (hibernating instance) with E_SOURCE_NOT_JSON", async () => {
    server.handle(() => ({
      status: 200,
      headers: { "content-type": "text/html;charset=UTF-8" },
      body: "<html><body>Your instance is hibernating</body></html>",
    }));
    const { client } = setup();
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_NOT_JSON");
    expect(error.message).toContain(
      "ServiceNow answered with an HTML page instead of JSON: the instance may be hibernating (wake it up) or an SSO/MFA login page is in front of the REST API",
    );
  });

  it("rejects invalid JSON under a JSON content type", async () => {
    server.handle(() => ({ headers: { "content-type": "application/json" }, body: '{"result": [' }));
    const { client } = setup();
    expect((await sourceError(client.get("sys_user", "x", ["sys_id"]))).code).toBe("E_SOURCE_NOT_JSON");
  });

  it("does not follow redirects (credentials stay home)", async () => {
    server.handle((req) =>
      req.path === "/login"
        ? { body: "<html>login</html>" }
        : { status: 302, headers: { location: "/login" } },
    );
    const { client } = setup();
    const error = await sourceError(client.get("sys_user", "x", ["sys_id"]));
    expect(error.code).toBe("E_SOURCE_NOT_JSON");
    expect(server.requests).toHaveLength(1);
  });

  it("names the table and the missing access on 403", async () => {
    server.handle(() => errorReply(403, "Insufficient rights to query records"));
    const { client } = setup();
    const error = await sourceError(client.list("sys_user_has_role", { fields: ["role.name"] }).next());
    expect(error.code).toBe("E_SOURCE_FORBIDDEN");
    expect(error.message).toContain("403 Insufficient rights to query records");
    expect(error.message).toContain("give the bot's account read access to sys_user_has_role");
  });

  it("passes ServiceNow's message and detail on 400", async () => {
    server.handle(() =>
      errorReply(400, "Invalid table sys_nonexistent", "Table sys_nonexistent does not exist"),
    );
    const { client } = setup();
    const error = await sourceError(client.list("sys_nonexistent", { fields: [] }).next());
    expect(error.code).toBe("E_SOURCE_BAD_REQUEST");
    expect(error.message).toContain(
      "400 Invalid table sys_nonexistent (Table sys_nonexistent does not exist)",
    );
    expect(error.url).toBe("/api/now/table/sys_nonexistent");
  });

  it("returns undefined for a 404 on get, encoding the sys_id", async () => {
    server.handle(() =>
      errorReply(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"),
    );
    const { client } = setup();
    await expect(client.get("sys_user", "a/b", ["sys_id"])).resolves.toBeUndefined();
    expect(server.requests[0]?.path).toBe("/api/now/table/sys_user/a%2Fb");
  });

  it("reports a 404 on patch as E_SOURCE_NOT_FOUND", async () => {
    server.handle(() => errorReply(404, "No Record found"));
    const { client } = setup();
    expect((await sourceError(client.patch("sys_user", "x", { active: "false" }, []))).code).toBe(
      "E_SOURCE_NOT_FOUND",
    );
  });
});

describe("list (keyset paging)", () => {
  /** The sys_id of row `n` of the fake table: 30 zeros and two digits, so they sort by `n`. */
  const rowId = (n: number) => `${"0".repeat(30)}${String(n).padStart(2, "0")}`;

  /**
   * A fake table rowId(1)…rowId(10) ordered by sys_id. `hidden` rows are dropped by "ACLs" *after* the
   * limit is applied, as ServiceNow does, and X-Total-Count counts them.
   */
  function fakeTable(hidden: ReadonlySet<string>, opts: { totalHeader?: boolean } = {}) {
    const ids = Array.from({ length: 10 }, (_, i) => rowId(i + 1));
    return (req: RecordedRequest) => {
      const query = req.query.get("sysparm_query") ?? "";
      const cursor = /sys_id>([^^]+)/.exec(query)?.[1];
      const limit = Number(req.query.get("sysparm_limit"));
      const offset = Number(req.query.get("sysparm_offset") ?? 0);
      const matching = ids.filter((id) => cursor === undefined || id > cursor);
      const window = matching.slice(offset, offset + limit);
      const rows = window.filter((id) => !hidden.has(id)).map((id) => ({ sys_id: id, name: `n-${id}` }));
      return jsonReply(rows, opts.totalHeader === false ? {} : { "x-total-count": String(matching.length) });
    };
  }

  async function collect(pages: AsyncGenerator<RawRecord[]>): Promise<RawRecord[][]> {
    const out: RawRecord[][] = [];
    for await (const page of pages) out.push(page);
    return out;
  }

  it("pages across a short page and an ACL-hidden window, returning each visible row once", async () => {
    server.handle(fakeTable(new Set([rowId(4), rowId(7), rowId(8), rowId(9)])));
    const { client } = setup();
    const pages = await collect(
      client.list("sys_user", { query: "active=true", fields: ["name"], pageSize: 3 }),
    );
    expect(pages.map((p) => p.map((r) => r.sys_id))).toEqual([
      [rowId(1), rowId(2), rowId(3)],
      [rowId(5), rowId(6)],
      [rowId(10)],
    ]);
    expect(server.requests.map((r) => [r.query.get("sysparm_query"), r.query.get("sysparm_offset")])).toEqual(
      [
        ["active=true^ORDERBYsys_id", null],
        [`active=true^sys_id>${rowId(3)}^ORDERBYsys_id`, null],
        [`active=true^sys_id>${rowId(6)}^ORDERBYsys_id`, null],
        // The hidden window is slid past by the 2 rows the short page showed were looked at, not
        // by the 3 asked for: an instance that caps pages below the size asked looks the same.
        [`active=true^sys_id>${rowId(6)}^ORDERBYsys_id`, "2"],
      ],
    );
    const first = server.requests[0]!;
    expect(first.query.get("sysparm_fields")).toBe("name,sys_id");
    expect(first.query.get("sysparm_limit")).toBe("3");
    expect(first.query.get("sysparm_exclude_reference_link")).toBe("true");
    expect(first.query.get("sysparm_suppress_pagination_header")).toBe("true");
    expect(client.requestCount).toBe(4);
  });

  it("stops when X-Total-Count says the page was the last, without an extra request", async () => {
    server.handle(fakeTable(new Set()));
    const { client } = setup({ pageSize: 5 });
    const pages = await collect(client.list("sys_user", { fields: ["sys_id"] }));
    expect(pages.flat()).toHaveLength(10);
    expect(server.requests.map((r) => r.query.get("sysparm_query"))).toEqual([
      "ORDERBYsys_id",
      `sys_id>${rowId(5)}^ORDERBYsys_id`,
    ]);
  });

  it("keeps going past a short page without X-Total-Count and stops on an empty page", async () => {
    server.handle(fakeTable(new Set([rowId(2)]), { totalHeader: false }));
    const { client } = setup();
    const pages = await collect(client.list("sys_user", { fields: ["sys_id"], pageSize: 4 }));
    expect(pages.flat().map((r) => r.sys_id)).toEqual([
      rowId(1),
      rowId(3),
      rowId(4),
      rowId(5),
      rowId(6),
      rowId(7),
      rowId(8),
      rowId(9),
      rowId(10),
    ]);
    expect(server.requests).toHaveLength(4); // 3 (short), 4, 2, then the empty page
  });

  it("fails instead of looping when the instance ignores the cursor", async () => {
    server.handle(() => jsonReply([{ sys_id: rowId(1) }], { "x-total-count": "50" }));
    const { client } = setup();
    const error = await sourceError(collect(client.list("sys_user", { fields: [], pageSize: 1 })));
    expect(error.code).toBe("E_SOURCE_MALFORMED");
    expect(error.message).toContain(
      `page 2 of sys_user (rows after sys_id ${rowId(1)}) is malformed: record 1 of 1 (sys_id ${rowId(1)}) is not after the cursor`,
    );
    expect(server.requests).toHaveLength(2);
  });
});

describe("list: malformed pages fail loudly, and nothing of them is passed on", () => {
  const sysId = (n: number) => n.toString(16).padStart(32, "0");
  const page = (...ns: number[]) => ns.map((n) => ({ sys_id: sysId(n), user_name: `svc_${n}` }));

  /** Pages passed on before the list failed, and the failure. */
  async function listUntilError(pageSize = 2, options: Partial<ServiceNowClientOptions> = {}) {
    const { client } = setup(options);
    const pages: RawRecord[][] = [];
    const error = await (async () => {
      for await (const rows of client.list("sys_user", { fields: ["user_name"], pageSize })) pages.push(rows);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    return { pages, error: error as SourceError };
  }

  it("names the table, the page and the shape of a result that is not an array", async () => {
    const cases: [unknown, string][] = [
      [{ result: { sys_id: sysId(3) } }, '"result" is an object, not an array of records'],
      [{ result: "no rows" }, '"result" is the string "no rows", not an array of records'],
      [{ result: null }, '"result" is null, not an array of records'],
      [{ records: page(3, 4) }, 'the answer has no "result" member'],
    ];
    for (const [body, problem] of cases) {
      server.handle(inOrder(jsonReply(page(1, 2), { "x-total-count": "4" }), { body: body as object }));
      server.requests.length = 0;
      const { pages, error } = await listUntilError();
      expect(error.code).toBe("E_SOURCE_MALFORMED");
      expect(error.message).toContain(
        `ServiceNow GET /api/now/table/sys_user failed: page 2 of sys_user (rows after sys_id ${sysId(2)}) is malformed: ${problem}.`,
      );
      expect(error.message).toContain("warden stopped rather than guess");
      expect(pages).toEqual([page(1, 2)]);
      expect(server.requests).toHaveLength(2); // not retried
    }
  });

  it("refuses a record whose sys_id is not a sys_id, before passing any row of its page on", async () => {
    const cases: [unknown, string][] = [
      [12345, "has a sys_id that is the number 12345"],
      ["", "has a sys_id that is an empty string"],
      [{ value: sysId(2), link: "x" }, "has a sys_id that is an object"],
      ["../x", 'has a sys_id that is the string "../x"'],
    ];
    for (const [bad, problem] of cases) {
      server.handle(() => jsonReply([{ sys_id: sysId(1) }, { sys_id: bad }], { "x-total-count": "9" }));
      server.requests.length = 0;
      const { pages, error } = await listUntilError();
      expect(error.code).toBe("E_SOURCE_MALFORMED");
      expect(error.message).toContain(
        `page 1 of sys_user is malformed: record 2 of 2 ${problem}, not 32 hexadecimal characters.`,
      );
      expect(pages).toEqual([]);
      // Nothing was built from the bad value: no second request.
      expect(server.requests).toHaveLength(1);
    }
  });

  it("refuses rows out of sys_id order, which keyset paging would silently skip past", async () => {
    server.handle(() => jsonReply(page(1, 5, 3), { "x-total-count": "9" }));
    const { pages, error } = await listUntilError(3);
    expect(error.message).toContain(
      `record 3 of 3 (sys_id ${sysId(3)}) is not after record 2 (sys_id ${sysId(5)}): the rows are not in sys_id order`,
    );
    expect(pages).toEqual([]);
  });

  it("refuses the same page again when the instance ignores the cursor", async () => {
    server.handle(() => jsonReply(page(1, 2), { "x-total-count": "9" }));
    const { pages, error } = await listUntilError();
    expect(error.message).toContain(
      `page 2 of sys_user (rows after sys_id ${sysId(2)}) is malformed: record 1 of 2 (sys_id ${sysId(1)}) is not after the cursor sys_id ${sysId(2)}: the instance ignored the keyset condition, so paging would never end`,
    );
    expect(pages).toEqual([page(1, 2)]);
    expect(server.requests).toHaveLength(2);
  });

  it("stops an endless run of empty pages that claim more rows, with or without a next link", async () => {
    const link = (req: RecordedRequest) =>
      `<${server.url}${req.path}?sysparm_offset=${Number(req.query.get("sysparm_offset") ?? 0) + 2}>;rel="next"`;
    for (const withLink of [false, true]) {
      server.requests.length = 0;
      server.handle((req) =>
        jsonReply([], { "x-total-count": "1000000000", ...(withLink ? { link: link(req) } : {}) }),
      );
      const { pages, error } = await listUntilError(2, { maxEmptyPages: 3 });
      expect(error.code).toBe("E_SOURCE_MALFORMED");
      expect(error.message).toContain(
        "page 4 of sys_user is malformed: 4 empty pages in a row while X-Total-Count still claims 1000000000 rows, so paging would never end (an ACL hiding more than 6 rows in a row looks the same: raise SERVICENOW_PAGE_SIZE)",
      );
      expect(pages).toEqual([]);
      expect(server.requests.map((r) => r.query.get("sysparm_offset"))).toEqual([null, "2", "4", "6"]);
    }
  });

  it("stops after the default of 10 empty pages when a full-looking cursor brings nothing", async () => {
    server.handle((req) =>
      req.query.get("sysparm_query") === "ORDERBYsys_id"
        ? jsonReply(page(1, 2), { "x-total-count": "50" })
        : jsonReply([], { "x-total-count": "48" }),
    );
    const { pages, error } = await listUntilError(2);
    expect(error.message).toContain(
      `page 12 of sys_user (rows after sys_id ${sysId(2)}) is malformed: 11 empty pages in a row while X-Total-Count still claims 48 rows`,
    );
    expect(pages).toEqual([page(1, 2)]);
    expect(server.requests).toHaveLength(12);
  });

  it("still slides past as many ACL-hidden windows as allowed", async () => {
    // Rows 1-6 hidden by an ACL (three whole windows of 2), then rows 7 and 8.
    server.handle((req) => {
      const offset = Number(req.query.get("sysparm_offset") ?? 0);
      return jsonReply(offset < 6 ? [] : page(7, 8).slice(offset - 6, offset - 4), { "x-total-count": "8" });
    });
    const { client } = setup({ maxEmptyPages: 3 });
    const pages: RawRecord[][] = [];
    for await (const rows of client.list("sys_user", { fields: [], pageSize: 2 })) pages.push(rows);
    expect(pages).toEqual([page(7, 8)]);
  });
});

describe("findByField", () => {
  const SYS_ID_1 = "62826bf03710200044e0bfc8bcbe5df1";
  const SYS_ID_2 = "46d44a5dc0a8010e0142e1e4d6b5e4a0";

  it("sends the value as a literal name=value parameter and keeps exact matches only", async () => {
    server.handle(() =>
      jsonReply([
        { sys_id: SYS_ID_1, user_name: "svc^ORactive=true" },
        { sys_id: SYS_ID_2, user_name: "svc" },
      ]),
    );
    const { client } = setup();
    const rows = await client.findByField("sys_user", "user_name", "svc^ORactive=true", ["sys_id"]);
    expect(rows).toEqual([{ sys_id: SYS_ID_1, user_name: "svc^ORactive=true" }]);
    const [req] = server.requests;
    expect(req?.rawQuery).toContain("user_name=svc%5EORactive%3Dtrue&");
    expect(req?.query.has("sysparm_query")).toBe(false);
    expect(req?.query.get("user_name")).toBe("svc^ORactive=true");
    expect(req?.query.get("sysparm_fields")).toBe("sys_id,user_name");
    expect(req?.query.get("sysparm_limit")).toBe("10");
  });

  it("keeps ^NQ literal too", async () => {
    server.handle(() => jsonReply([]));
    const { client } = setup();
    await expect(client.findByField("sys_user", "user_name", "x^NQactive=true", [])).resolves.toEqual([]);
    expect(server.requests[0]?.rawQuery).toContain("user_name=x%5ENQactive%3Dtrue");
  });

  it("refuses a record without a proper sys_id, and always asks for sys_id", async () => {
    server.handle(() => jsonReply([{ sys_id: 7, user_name: "svc" }]));
    const { client } = setup();
    const error = await sourceError(client.findByField("sys_user", "user_name", "svc", ["active"]));
    expect(error.code).toBe("E_SOURCE_MALFORMED");
    expect(error.message).toContain(
      "the answer to the sys_user lookup by user_name is malformed: record 1 of 1 has a sys_id that is the number 7",
    );
    expect(server.requests[0]?.query.get("sysparm_fields")).toBe("active,user_name,sys_id");
  });

  it("refuses a sysparm_* field name without sending anything", async () => {
    const { client } = setup();
    const error = await sourceError(client.findByField("sys_user", "sysparm_query", "active=true", []));
    expect(error.code).toBe("E_SOURCE_BAD_REQUEST");
    expect(server.requests).toHaveLength(0);
  });
});

describe("aggregate", () => {
  it("normalises the ungrouped object shape", async () => {
    server.handle(() => jsonReply({ stats: { count: "12" } }));
    const { client } = setup();
    await expect(
      client.aggregate("syslog_transaction", { count: true, query: "type=rest" }),
    ).resolves.toEqual([{ groupBy: {}, count: 12, max: {}, min: {} }]);
    const [req] = server.requests;
    expect(req?.path).toBe("/api/now/stats/syslog_transaction");
    expect(req?.query.get("sysparm_count")).toBe("true");
    expect(req?.query.get("sysparm_query")).toBe("type=rest");
    expect(req?.query.has("sysparm_group_by")).toBe(false);
  });

  it("normalises the grouped array shape", async () => {
    server.handle(() =>
      jsonReply([
        {
          groupby_fields: [{ field: "sys_created_by", value: "svc.a" }],
          stats: {
            count: "15",
            max: { sys_created_on: "2025-05-01 10:00:00" },
            min: { sys_created_on: "2025-04-01 09:00:00" },
          },
        },
        { groupby_fields: [{ field: "sys_created_by", value: "" }], stats: { count: "2" } },
      ]),
    );
    const { client } = setup();
    const rows = await client.aggregate("syslog_transaction", {
      count: true,
      groupBy: ["sys_created_by"],
      max: ["sys_created_on"],
      min: ["sys_created_on"],
    });
    expect(rows).toEqual([
      {
        groupBy: { sys_created_by: "svc.a" },
        count: 15,
        max: { sys_created_on: "2025-05-01 10:00:00" },
        min: { sys_created_on: "2025-04-01 09:00:00" },
      },
      { groupBy: { sys_created_by: "" }, count: 2, max: {}, min: {} },
    ]);
    const [req] = server.requests;
    expect(req?.query.get("sysparm_group_by")).toBe("sys_created_by");
    expect(req?.query.get("sysparm_max_fields")).toBe("sys_created_on");
    expect(req?.query.get("sysparm_min_fields")).toBe("sys_created_on");
  });
});

describe("aggregate: a result of another shape is not read as no rows", () => {
  it("fails on null, a string or a missing result", async () => {
    for (const body of [{ result: null }, { result: "0" }, { stats: { count: "3" } }]) {
      server.handle(() => ({ body }));
      const { client } = setup();
      const error = await sourceError(client.aggregate("syslog_transaction", { count: true }));
      expect(error.code).toBe("E_SOURCE_MALFORMED");
      expect(error.message).toMatch(
        /^ServiceNow GET \/api\/now\/stats\/syslog_transaction failed: the syslog_transaction statistics are malformed: /,
      );
    }
  });
});

describe("patch", () => {
  it("sends a JSON body of strings and returns the updated record", async () => {
    server.handle((req) => jsonReply({ sys_id: "u1", ...(JSON.parse(req.body) as object) }));
    const { client } = setup();
    const updated = await client.patch("sys_user", "u1", { active: "false", locked_out: "true" }, [
      "sys_id",
      "active",
    ]);
    expect(updated).toEqual({ sys_id: "u1", active: "false", locked_out: "true" });
    const [req] = server.requests;
    expect(req?.method).toBe("PATCH");
    expect(req?.path).toBe("/api/now/table/sys_user/u1");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers.accept).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual({ active: "false", locked_out: "true" });
    expect(req?.query.get("sysparm_fields")).toBe("sys_id,active");
    expect(req?.query.get("sysparm_exclude_reference_link")).toBe("true");
  });
});
