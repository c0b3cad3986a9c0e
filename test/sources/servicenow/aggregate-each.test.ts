import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { SourceError } from "../../../src/errors.js";
import type { AggregateRow } from "../../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../../src/sources/servicenow/create-servicenow-client.js";
import {
  errorReply,
  inOrder,
  jsonReply,
  type ScriptedServer,
  startScriptedServer,
} from "../../helpers/scripted-server.js";

const AUTH = { kind: "basic", username: "warden", password: "pw" } as const;
const group = (user: string, count: number) => ({
  groupby_fields: [{ field: "sys_created_by", value: user }],
  stats: { count: String(count) },
});

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(baseUrl: string, retries = 2) {
  const client = createServiceNowClient({
    baseUrl,
    auth: AUTH,
    retries,
    sleep: async () => {},
    timeoutMs: 2000,
  });
  const rows: AggregateRow[] = [];
  const error = await client
    .aggregateEach("syslog_transaction", { groupBy: ["sys_created_by"], count: true }, (row) =>
      rows.push(row),
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return { rows, error: error as SourceError | undefined, requests: client.requestCount };
}

/** A server that sends the first half of a body, then cuts the connection. */
async function startCuttingServer(body: string): Promise<string> {
  const http = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
    // Cut once the first half has left (the write's callback), not after a guessed delay.
    response.write(body.slice(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe("aggregateEach", () => {
  it("passes on every group of a grouped count, parsed", async () => {
    server = await startScriptedServer(inOrder(jsonReply([group("svc_a", 3), group("svc_b", 10)])));
    const { rows, error } = await collect(server.url);
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { groupBy: { sys_created_by: "svc_a" }, count: 3, max: {}, min: {} },
      { groupBy: { sys_created_by: "svc_b" }, count: 10, max: {}, min: {} },
    ]);
  });

  it("retries a 503 before any group arrived, and passes each group on once", async () => {
    server = await startScriptedServer(
      inOrder(errorReply(503, "Unavailable"), jsonReply([group("svc_a", 1)])),
    );
    const { rows, requests } = await collect(server.url);
    expect(rows.map((r) => r.groupBy.sys_created_by)).toEqual(["svc_a"]);
    expect(requests).toBe(2);
  });

  it("does not retry a body cut off after groups were passed on, so nothing is counted twice", async () => {
    const body = JSON.stringify({ result: Array.from({ length: 200 }, (_, i) => group(`svc_${i}`, i)) });
    const url = await startCuttingServer(body);
    const { rows, error, requests } = await collect(url);
    expect(error).toBeInstanceOf(SourceError);
    expect(error?.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(requests).toBe(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.groupBy.sys_created_by)).size).toBe(rows.length);
  });

  it("reports an HTML page as such", async () => {
    server = await startScriptedServer(
      inOrder({
        status: 200,
        headers: { "content-type": "text/html" },
        body: "<html>Your instance is hibernating</html>",
      }),
    );
    const { error } = await collect(server.url);
    expect(error?.code).toBe("E_SOURCE_NOT_JSON");
    expect(error?.message).toMatch(/hibernating/);
  });

  it("reports a 403 with the table", async () => {
    server = await startScriptedServer(inOrder(errorReply(403, "Insufficient rights to query records")));
    const { error } = await collect(server.url);
    expect(error?.code).toBe("E_SOURCE_FORBIDDEN");
    expect(error?.message).toContain("syslog_transaction");
  });

  it("fails on a result that is not an array or object, however the body begins", async () => {
    for (const body of [
      '{"result":null}',
      '{"result": "none"}',
      '{"status":"success","result":0}',
      '{"records":[]}',
    ]) {
      server = await startScriptedServer(
        inOrder({ headers: { "content-type": "application/json;charset=UTF-8" }, body }),
      );
      const { rows, error, requests } = await collect(server.url);
      expect(error?.code, body).toBe("E_SOURCE_MALFORMED");
      expect(error?.message, body).toContain("the syslog_transaction statistics are malformed:");
      expect(rows).toEqual([]);
      expect(requests).toBe(1); // not retried: the same answer would come again
      await server.close();
      server = undefined;
    }
    server = await startScriptedServer(inOrder(jsonReply(null)));
    expect((await collect(server.url)).error?.message).toContain(
      '"result" is null, not an array or object of statistics',
    );
  });

  it("fails on a group that is not an object, passing nothing after it on", async () => {
    server = await startScriptedServer(inOrder(jsonReply([group("svc_a", 1), "svc_b", group("svc_c", 2)])));
    const { rows, error } = await collect(server.url);
    expect(error?.code).toBe("E_SOURCE_MALFORMED");
    expect(error?.message).toContain('group 2 is the string "svc_b", not an object');
    expect(rows.map((r) => r.groupBy.sys_created_by)).toEqual(["svc_a"]);
  });
});
