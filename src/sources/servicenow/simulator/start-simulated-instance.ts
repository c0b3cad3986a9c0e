/**
 * A simulated ServiceNow instance on a real HTTP server (node:http), for warden's scanner,
 * demo, tests and benchmark. It serves the Table API, the Aggregate API and OAuth tokens with
 * ServiceNow's wire conventions, and exposes fault switches to break it on purpose.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { aggregateRecords } from "./aggregate-api.js";
import { type ApiResponse, errorResponse, HIBERNATION_PAGE, notAuthenticated } from "./api-response.js";
import type { InstanceData } from "./instance-data.js";
import { dropKeyset, malformAnswer } from "./malform-answer.js";
import { handleTokenRequest, type OAuthClient, TokenStore } from "./oauth-token-endpoint.js";
import { createRecord, deleteRecord, WRITABLE_TABLES } from "./record-writes.js";
import { RequestHolds } from "./request-holds.js";
import { type ScriptedFault, SimulatorFaults } from "./simulator-faults.js";
import { type ApiContext, getRecord, listRecords, patchRecord } from "./table-api.js";
import { createViews } from "./table-view.js";
import { addTicketTables, createTicket } from "./ticket-tables.js";

export interface SimulatedInstanceOptions {
  data: InstanceData;
  /** Default 0 (any free port). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /**
   * The instance clock (javascript:gs.* query values, token expiry, sys_updated_on). Default: a
   * clock that starts at `data.now` and advances with real time, so data and queries agree.
   */
  now?: () => Date;
  /** Delay before every response, in ms (the benchmark uses 20). Mutable later via `latencyMs`. */
  latencyMs?: number;
  /** Basic-auth account. Default { username: "warden", password: "warden-demo" }. */
  credentials?: { username: string; password: string };
  /** Default [{ clientId: "warden-demo", clientSecret: "warden-demo-secret" }]. */
  oauthClients?: OAuthClient[];
  /** Access-token lifetime. Default 1800 s. */
  tokenTtlSeconds?: number;
  /** Keep every request in `requests`. Default true; turn off for the benchmark. */
  recordRequests?: boolean;
}

/** One request as the simulator saw it (no secrets: only the kind of authentication). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: "basic" | "bearer" | "none";
  /** The HTTP status answered; 0 while pending (or for a "hang"). */
  status: number;
}

export interface SimulatedInstance {
  /** Base URL, e.g. http://127.0.0.1:49152 (no trailing slash). */
  readonly url: string;
  /** Recorded requests, oldest first (empty when recording is off). */
  readonly requests: RecordedRequest[];
  /** Requests received so far, recorded or not. */
  readonly requestCount: number;
  /** Whether requests are being recorded; can be switched at runtime. */
  recordRequests: boolean;
  /** Response delay in ms; can be changed at runtime. */
  latencyMs: number;
  /** Fault switches (see SimulatorFaults). */
  readonly faults: SimulatorFaults;
  /** Requests to hold until the test releases them (see RequestHolds). */
  readonly holds: RequestHolds;
  /**
   * The live data; PATCH, POST and DELETE requests modify it. Later requests see any write into it (and appended
   * rows): the query caches check themselves against the records. Only sys_ids must not change.
   */
  readonly data: InstanceData;
  /** Invalidates every OAuth token issued so far (the next Bearer request gets 401). */
  revokeTokens(): void;
  /** Stops the server, ending hung and in-flight requests. */
  close(): Promise<void>;
}

const TABLE_PATH = /^\/api\/now\/(?:(v\d+)\/)?table\/([^/]+)(?:\/([^/]+))?\/?$/;
const STATS_PATH = /^\/api\/now\/(?:(v\d+)\/)?stats\/([^/]+)\/?$/;

function authKind(header: string | undefined): RecordedRequest["auth"] {
  if (header?.startsWith("Basic ")) return "basic";
  if (header?.startsWith("Bearer ")) return "bearer";
  return "none";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function scriptedResponse(fault: ScriptedFault): ApiResponse {
  switch (fault.response) {
    case 401:
      return notAuthenticated();
    case 403:
      return errorResponse(403, "Insufficient rights to query records", null);
    case 429:
      return errorResponse(
        429,
        "Rate limit exceeded",
        "Rate limit of 100 requests per hour for Table API exceeded",
        { "Retry-After": fault.retryAfter ?? String(fault.retryAfterSeconds ?? 1) },
      );
    case "html":
    case "hang":
    case "reset":
      return { status: 200, body: HIBERNATION_PAGE, contentType: "text/html;charset=UTF-8" };
    default: {
      const retryAfter =
        fault.retryAfter ??
        (fault.retryAfterSeconds === undefined ? undefined : String(fault.retryAfterSeconds));
      return errorResponse(
        fault.response,
        "Internal server error",
        `Simulated HTTP ${fault.response}`,
        retryAfter === undefined ? undefined : { "Retry-After": retryAfter },
      );
    }
  }
}

/** Starts a simulated instance; resolves once it listens. */
export async function startSimulatedInstance(options: SimulatedInstanceOptions): Promise<SimulatedInstance> {
  const data = options.data;
  const startedAt = Date.now();
  const now = options.now ?? (() => new Date(data.now.getTime() + (Date.now() - startedAt)));
  const credentials = options.credentials ?? { username: "warden", password: "warden-demo" };
  const clients = options.oauthClients ?? [{ clientId: "warden-demo", clientSecret: "warden-demo-secret" }];
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 1800;
  const tokens = new TokenStore();
  const faults = new SimulatorFaults();
  const holds = new RequestHolds();
  // Ticket mode's tables exist on every instance; they start empty here.
  addTicketTables(data);
  // Rebuilt after a DELETE: the views index rows by position.
  let views = createViews(data);
  const requests: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let requestCount = 0;
  let baseUrl = "";

  const isAuthenticated = (header: string | undefined): boolean => {
    if (header?.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
      return decoded === `${credentials.username}:${credentials.password}`;
    }
    if (header?.startsWith("Bearer ")) return tokens.isValidAccess(header.slice(7).trim(), now().getTime());
    return false;
  };

  const dispatch = (req: IncomingMessage, url: URL, body: string): ApiResponse => {
    const method = req.method ?? "GET";
    const path = url.pathname;
    if (path === "/oauth_token.do") {
      if (method !== "POST") return errorResponse(405, "Method not Supported", null);
      const config = { clients, credentials, tokenTtlSeconds, tokens, nowMs: now().getTime() };
      return handleTokenRequest(config, req.headers["content-type"], req.headers.authorization, body);
    }
    const table = TABLE_PATH.exec(path);
    const stats = table ? null : STATS_PATH.exec(path);
    if (!table && !stats) {
      return errorResponse(400, "Requested URI does not represent any resource", null);
    }
    if (!isAuthenticated(req.headers.authorization)) return notAuthenticated();
    const ctx: ApiContext = { baseUrl, views, faults, now };
    if (stats) {
      if (method !== "GET") return errorResponse(405, "Method not Supported", null);
      return aggregateRecords(ctx, decodeURIComponent(stats[2] ?? ""), url.searchParams);
    }
    const [, version, rawTable = "", rawId] = table!;
    const tableName = decodeURIComponent(rawTable);
    if (rawId === undefined) {
      if (method === "POST" && WRITABLE_TABLES.has(tableName)) {
        return createRecord(ctx, data, tableName, url.searchParams, req.headers["content-type"], body);
      }
      if (method === "POST") {
        return createTicket(data, tableName, body, {
          contentType: req.headers["content-type"],
          now: now(),
          user: credentials.username,
        });
      }
      if (method !== "GET") return errorResponse(405, "Method not Supported", null);
      return listRecords(ctx, tableName, path, url.searchParams, version);
    }
    const sysId = decodeURIComponent(rawId);
    if (method === "GET") return getRecord(ctx, tableName, sysId, url.searchParams);
    if (method === "DELETE") {
      const answer = deleteRecord(ctx, data, tableName, sysId);
      if (answer.status === 204) views = createViews(data);
      return answer;
    }
    if (method === "PATCH" || method === "PUT") {
      return patchRecord(
        ctx,
        tableName,
        sysId,
        url.searchParams,
        {
          contentType: req.headers["content-type"],
          noResponseBody: String(req.headers["x-no-response-body"]).toLowerCase() === "true",
        },
        body,
      );
    }
    return errorResponse(405, "Method not Supported", null);
  };

  const send = (res: ServerResponse, response: ApiResponse, entry: RecordedRequest): void => {
    entry.status = response.status;
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { ...response.headers };
    let payload = "";
    if (response.body !== undefined) {
      if (typeof response.body === "string") {
        payload = response.body;
        headers["Content-Type"] = response.contentType ?? "text/plain;charset=UTF-8";
      } else {
        payload = JSON.stringify(response.body);
        headers["Content-Type"] = response.contentType ?? "application/json;charset=UTF-8";
      }
    }
    headers["Content-Length"] = String(Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const entry: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: authKind(req.headers.authorization),
      status: 0,
    };
    requestCount++;
    if (instance.recordRequests) requests.push(entry);
    const body = req.method === "GET" || req.method === "HEAD" ? "" : await readBody(req);
    // A held request is handled after its release even if the client has gone: a real instance
    // carries out a request it has received whole.
    const hold = holds.take(entry.method, url.pathname);
    if (hold) await hold.released;
    try {
      await respond(req, res, url, body, entry);
    } finally {
      hold?.handled();
    }
  };

  const respond = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: string,
    entry: RecordedRequest,
  ): Promise<void> => {
    const tableMatch = TABLE_PATH.exec(url.pathname) ?? STATS_PATH.exec(url.pathname);
    const tableName = tableMatch ? decodeURIComponent(tableMatch[2] ?? "") : undefined;
    const fault = faults.take(url.pathname, tableName, entry.method);
    const malformation = fault ? undefined : faults.takeMalformation(url.pathname, tableName);
    if (malformation?.kind === "repeat-page") dropKeyset(url.searchParams);
    if (fault?.afterApplying) {
      // The write lands, but the client never hears so (a gateway timeout, a dropped connection).
      try {
        dispatch(req, url, body);
      } catch {}
    }
    if (fault?.response === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.response === "hang") {
      // Never answered: the client's timeout fires first; close() destroys the socket.
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    let response: ApiResponse;
    try {
      response = fault ? scriptedResponse(fault) : dispatch(req, url, body);
      if (malformation) {
        response = malformAnswer(response, malformation, url.searchParams, `${baseUrl}${url.pathname}`);
      }
    } catch (error) {
      response = errorResponse(
        500,
        "Internal server error",
        error instanceof Error ? error.message : String(error),
      );
    }
    if (instance.latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, instance.latencyMs);
        timers.add(timer);
      });
    }
    send(res, response, entry);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(error), detail: null }, status: "failure" }));
      }
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  const instance: SimulatedInstance = {
    url: baseUrl,
    requests,
    get requestCount() {
      return requestCount;
    },
    recordRequests: options.recordRequests ?? true,
    latencyMs: options.latencyMs ?? 0,
    faults,
    holds,
    data,
    revokeTokens: () => tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        holds.releaseAll();
        for (const res of hung) res.destroy();
        hung.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return instance;
}
