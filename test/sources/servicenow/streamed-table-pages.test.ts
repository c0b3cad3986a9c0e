import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { SourceError } from "../../../src/errors.js";
import type { RawRecord } from "../../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../../src/sources/servicenow/create-servicenow-client.js";
import { readStreamedAnswer } from "../../../src/sources/servicenow/read-streamed-answer.js";

const AUTH = { kind: "basic", username: "warden", password: "pw" } as const;
const sysId = (n: number) => n.toString(16).padStart(32, "0");
const records = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    sys_id: sysId(from + i),
    user_name: `svc_${from + i}`,
  }));

/** An HTTP server whose n-th request (from 0) is answered by `answer(n, response)`. */
async function startServer(answer: (n: number, response: ServerResponse) => void): Promise<string> {
  let n = 0;
  const http = createServer((_request, response) => answer(n++, response));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

const JSON_TYPE = { "content-type": "application/json;charset=UTF-8" };

/** Sends the first `share` of `body` with its full Content-Length, then cuts the connection. */
function cutOff(response: ServerResponse, body: string, share = 0.5): void {
  response.writeHead(200, { ...JSON_TYPE, "content-length": String(Buffer.byteLength(body)) });
  // Cut once that part has left (the write's callback), not after a guessed delay.
  response.write(body.slice(0, Math.floor(body.length * share)), () => response.socket?.destroy());
}

async function list(url: string, retries = 2) {
  // Pages of 1000: a failing page is not asked again smaller (see page-size-fallback.test.ts).
  const client = createServiceNowClient({
    baseUrl: url,
    auth: AUTH,
    retries,
    pageSize: 1000,
    sleep: async () => {},
  });
  const pages: RawRecord[][] = [];
  const error = await (async () => {
    for await (const page of client.list("sys_user", { fields: ["user_name"] })) pages.push(page);
  })().then(
    () => undefined,
    (e: unknown) => e as SourceError,
  );
  return { pages, error, requests: client.requestCount };
}

describe("Table API pages, streamed", () => {
  it("asks again for a page cut off midway, and passes its rows on once, whole", async () => {
    const body = JSON.stringify({ result: records(1, 400) });
    const url = await startServer((n, response) => {
      if (n === 0) return cutOff(response, body);
      // X-Total-Count: this page is the last.
      response.writeHead(200, { ...JSON_TYPE, "x-total-count": "400" }).end(body);
    });
    const { pages, error, requests } = await list(url);
    expect(error).toBeUndefined();
    expect(requests).toBe(2);
    expect(pages).toEqual([records(1, 400)]);
  });

  it("fails a page cut off on every attempt as unavailable, having passed none of it on", async () => {
    const body = JSON.stringify({ result: records(1, 400) });
    const url = await startServer((_n, response) => cutOff(response, body, 0.8));
    const { pages, error, requests } = await list(url, 2);
    expect(error).toBeInstanceOf(SourceError);
    expect(error?.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(requests).toBe(3);
    expect(pages).toEqual([]);
  });

  it("reports a page that ends early as not JSON, not as a short page, and does not ask again", async () => {
    const body = JSON.stringify({ result: records(1, 50) });
    // No Content-Length: the answer ends cleanly, only too soon.
    const url = await startServer((_n, response) => {
      response.writeHead(200, JSON_TYPE).end(body.slice(0, body.length - 40));
    });
    const { pages, error, requests } = await list(url);
    expect(error?.code).toBe("E_SOURCE_NOT_JSON");
    expect(error?.message).toContain("GET /api/now/table/sys_user failed: 200");
    expect(error?.message).toContain("(body is not valid JSON) instead of JSON");
    expect(requests).toBe(1);
    expect(pages).toEqual([]);
  });

  it("reports a record that is not JSON as such, passing nothing of its page on", async () => {
    const good = JSON.stringify({ result: records(1, 30) });
    const broken = `${good.slice(0, -2)},{"sys_id": ${"x".repeat(10)}}]}`;
    const url = await startServer((_n, response) => response.writeHead(200, JSON_TYPE).end(broken));
    const { pages, error, requests } = await list(url);
    expect(error?.code).toBe("E_SOURCE_NOT_JSON");
    expect(error?.message).toContain("(body is not valid JSON) instead of JSON");
    expect(requests).toBe(1);
    expect(pages).toEqual([]);
  });

  it("reports a 200 HTML page on a list as the hibernating instance it likely is", async () => {
    const url = await startServer((_n, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end("<html>Instance hibernating</html>"),
    );
    const { error, requests } = await list(url);
    expect(error?.code).toBe("E_SOURCE_NOT_JSON");
    expect(error?.message).toContain("answered with an HTML page instead of JSON");
    expect(requests).toBe(1);
  });

  it("serves the event loop between the chunks of a page already buffered whole", async () => {
    // 2,000 records in chunks of 8 KB, handed over with nothing but microtasks in between (as a
    // socket's buffered reads are): a heartbeat on the event loop must still beat between them.
    const body = Buffer.from(JSON.stringify({ result: records(1, 2000) }));
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 8192) chunks.push(body.subarray(at, at + 8192));
    let beats = 0;
    let beating = true;
    const beat = () => {
      beats++;
      if (beating) setImmediate(beat);
    };
    setImmediate(beat);
    const beatsAt: number[] = [];
    const answer = await readStreamedAnswer(
      { status: 200, statusText: "OK", headers: { "content-type": "application/json" } },
      Readable.from(chunks),
      () => beatsAt.push(beats),
      10_000,
    );
    beating = false;
    expect(answer.streamed).toBe(true);
    expect(beatsAt).toHaveLength(2000);
    // The heartbeat went on while the records were parsed: at least once per chunk after the first.
    expect((beatsAt.at(-1) ?? 0) - (beatsAt[0] ?? 0)).toBeGreaterThanOrEqual(chunks.length - 2);
  });
});
