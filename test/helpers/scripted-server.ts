import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the scripted server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and raw query string exactly as sent, e.g. `/api/now/table/x?a=b%5Ec`. */
  url: string;
  path: string;
  /** The raw query string without `?` ("" when none). */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer: a status, headers and body (objects are sent as JSON), or never answer. */
export type ScriptedReply =
  | { status?: number; headers?: Record<string, string>; body?: string | object }
  | { hang: true };

/** Decides the reply to one request; `index` counts requests from 0. */
export type ScriptedHandler = (
  request: RecordedRequest,
  index: number,
) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedServer {
  /** Base URL, e.g. http://127.0.0.1:54321 */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler for the following requests. */
  handle(handler: ScriptedHandler): void;
  /** Stops the server, cutting any hanging request. */
  close(): Promise<void>;
}

/** A handler that plays `replies` in order and repeats the last one. */
export function inOrder(...replies: ScriptedReply[]): ScriptedHandler {
  return (_request, index) => {
    const reply = replies[Math.min(index, replies.length - 1)];
    if (reply === undefined) throw new Error("inOrder needs at least one reply");
    return reply;
  };
}

/** `{"result": ...}` with a JSON content type, plus extra headers. */
export function jsonReply(
  result: unknown,
  headers: Record<string, string> = {},
  status = 200,
): ScriptedReply {
  return { status, headers, body: { result } };
}

/** ServiceNow's error envelope. */
export function errorReply(status: number, message: string, detail: string | null = null): ScriptedReply {
  return { status, body: { error: { message, detail }, status: "failure" } };
}

function send(res: ServerResponse, reply: Exclude<ScriptedReply, { hang: true }>): void {
  const isText = typeof reply.body === "string";
  const body = reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    ...(isText || reply.body === undefined ? {} : { "content-type": "application/json;charset=UTF-8" }),
    ...reply.headers,
  };
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/**
 * A tiny HTTP server on 127.0.0.1 and a free port whose answers a test scripts per request.
 * It records every request (method, raw URL, headers, body) for assertions.
 */
export async function startScriptedServer(
  handler: ScriptedHandler = () => ({ status: 200 }),
): Promise<ScriptedServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "/";
      const queryAt = url.indexOf("?");
      const rawQuery = queryAt === -1 ? "" : url.slice(queryAt + 1);
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url,
        path: queryAt === -1 ? url : url.slice(0, queryAt),
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const index = requests.length;
      requests.push(recorded);
      Promise.resolve()
        .then(() => current(recorded, index))
        .then((reply) => {
          if ("hang" in reply) return; // never answer; close() cuts the socket
          send(res, reply);
        })
        .catch((error: unknown) => {
          send(res, { status: 599, body: `scripted handler threw: ${String(error)}` });
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging requests and keep-alive sockets would hold close() open forever.
        server.closeAllConnections();
      });
    },
  };
}
