/**
 * A fake of Slack's Web API on 127.0.0.1 (free port) for tests that drive `@slack/web-api`'s
 * `WebClient` (or Bolt's `clientOptions.slackApiUrl`) over real HTTP.
 *
 * WebClient sends `POST /api/<method>` form-encoded, JSON-valued args as JSON strings, token as
 * `Authorization: Bearer`. The fake records every call, answers with scripted replies first and
 * otherwise with a small stateful implementation (see `fake-slack-methods.ts`), and keeps a
 * per-channel message store so tests can assert what a channel or DM shows now.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCallWaiters } from "./call-waiters.js";
import {
  type FakeSlackIdentity,
  type FakeSlackUser,
  type SlackBody,
  slackError,
  slackMethods,
} from "./fake-slack-methods.js";
import {
  contentOf,
  type SlackEphemeralMessage,
  SlackMessageStore,
  type SlackShownMessage,
  type SlackShownView,
} from "./fake-slack-store.js";
import { createSlackTierGate, SLACK_TIER_LIMITS, type SlackTierLimits } from "./slack-tier-gate.js";

export type { FakeSlackUser, SlackBody } from "./fake-slack-methods.js";
export { slackError } from "./fake-slack-methods.js";
export type { SlackEphemeralMessage, SlackShownMessage, SlackShownView } from "./fake-slack-store.js";
export { SLACK_TIER_LIMITS, type SlackTierLimits } from "./slack-tier-gate.js";

/** One request the fake received. */
export interface RecordedSlackCall {
  /** Web API method (e.g. "chat.postMessage"), or "response_url" for posts to `responseUrl()`. */
  method: string;
  /** Parsed form or JSON body; JSON-valued form fields (blocks, view, …) parsed back. */
  args: Record<string, unknown>;
  /** Bearer token (or `token` form field); undefined when none was sent. */
  token: string | undefined;
  /** Only for "response_url" calls: the id in the URL path. */
  responseUrlId?: string;
}

/** A raw HTTP reply, e.g. a 429 with Retry-After or a 500. */
export interface SlackHttpReply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; omitted → empty body. */
  body?: unknown;
}

/** A scripted reply: a Web API JSON body (sent with HTTP 200) or a raw HTTP reply. */
export type FakeSlackReply = SlackBody | SlackHttpReply;

/** Where a response_url post lands in the message store. */
export interface ResponseUrlTarget {
  /** Channel the interaction happened in. */
  channel: string;
  /** The message a `replace_original`/`delete_original` acts on. */
  ts?: string;
  /** Recipient of ephemeral responses. */
  user?: string;
}

export interface FakeSlackApiOptions {
  /** Defaults: team T0FAKE, bot user U0WARDEN, bot B0WARDEN. */
  identity?: Partial<FakeSlackIdentity>;
  /** Users pre-registered for users.lookupByEmail. */
  users?: FakeSlackUser[];
  /**
   * Answer 429 with Retry-After when a call exceeds its method's rate limit, as Slack does: true for
   * Slack's limits (SLACK_TIER_LIMITS), or other limits. Off by default.
   */
  enforceTiers?: boolean | SlackTierLimits;
}

/** Which calls a scripted reply is for: every given argument must equal the call's. */
export interface ScriptOptions {
  when?: Record<string, string>;
}

export interface FakeSlackApi {
  /** e.g. `http://127.0.0.1:PORT/api/` — pass as WebClient `slackApiUrl`. */
  url: string;
  /** `http://127.0.0.1:PORT` without the /api/ suffix. */
  baseUrl: string;
  /** Every call in arrival order (scripted ones too). */
  calls: RecordedSlackCall[];
  /** When each call of `calls` arrived (performance.now(), same index). */
  callTimes: number[];
  /** Users by email, for users.lookupByEmail; add freely. */
  users: Map<string, FakeSlackUser>;
  /** Identity reported by auth.test. */
  identity: FakeSlackIdentity;
  /**
   * Queues replies for the next call(s) of `method` ("response_url" works too); with `when`, for the
   * next calls whose arguments match (e.g. `{ channel: "DU1" }`), whatever else is sent meanwhile.
   */
  script(method: string, reply: FakeSlackReply | FakeSlackReply[], options?: ScriptOptions): void;
  /** Calls the tier check answered with 429 (enforceTiers). */
  rateLimited: RecordedSlackCall[];
  /** Enforces these limits from now on (counting afresh), or none. */
  enforceTiers(limits: SlackTierLimits | undefined): void;
  /** A fresh URL on this server usable as a payload's `response_url`. */
  responseUrl(target?: ResponseUrlTarget): string;
  /** Calls of one method. */
  callsTo(method: string): RecordedSlackCall[];
  /** What `channel` shows now (after updates/deletes), oldest first. */
  messages(channel: string): SlackShownMessage[];
  /** Ephemeral messages shown in `channel`, oldest first. */
  ephemerals(channel: string): SlackEphemeralMessage[];
  /** Modals opened with views.open (as last updated). */
  views(): SlackShownView[];
  /** The Home tab last published for `userId` with views.publish, if any. */
  home(userId: string): SlackShownView | undefined;
  /**
   * Resolves with `check()`'s first truthy value, checked now and again after every call the fake
   * answers (an event, not a poll); rejects after `timeoutMs` (generous: loaded CI machines).
   */
  until<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  until<T>(check: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** An HTTP 429 with `Retry-After` (what WebClient turns into a rate-limit error). */
export function slackRateLimited(retryAfterSeconds = 1): SlackHttpReply {
  return {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: { ok: false, error: "ratelimited" },
  };
}

/** A non-200 HTTP reply (default 500) with a plain-text body. */
export function slackHttpError(status = 500, body = "internal error"): SlackHttpReply {
  return { status, body };
}

/** Form fields WebClient serializes as JSON strings. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata", "unfurls", "options"]);

function parseFormValue(key: string, value: string): unknown {
  const looksJson = /^\s*[[{]/.test(value);
  if (!JSON_FIELDS.has(key) && !(looksJson && key !== "text")) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Parses a form-encoded or JSON body (JSON content type, or a body starting with `{`) into call arguments. */
export function parseSlackArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (body.trim() === "") return {};
  if ((contentType ?? "").includes("json") || body.trimStart().startsWith("{")) {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) args[key] = parseFormValue(key, value);
  return args;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function isHttpReply(reply: FakeSlackReply): reply is SlackHttpReply {
  return typeof reply.status === "number";
}

function send(res: ServerResponse, reply: FakeSlackReply): void {
  const http: SlackHttpReply = isHttpReply(reply) ? reply : { status: 200, body: reply };
  const isText = typeof http.body === "string" || http.body === undefined;
  const text = http.body === undefined ? "" : isText ? String(http.body) : JSON.stringify(http.body);
  res.writeHead(http.status, {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    ...http.headers,
  });
  res.end(text);
}

function bearer(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length);
  return typeof args.token === "string" ? args.token : undefined;
}

/** Applies a response_url post to the store like Slack would (replace, delete, in_channel, ephemeral). */
function applyResponse(
  store: SlackMessageStore,
  target: ResponseUrlTarget | undefined,
  args: Record<string, unknown>,
): FakeSlackReply {
  if (!target) return { ok: true };
  const content = contentOf(args);
  if (args.delete_original === true || args.delete_original === "true") {
    const deleted = target.ts !== undefined && store.delete(target.channel, target.ts);
    return deleted ? { ok: true } : { status: 404, body: slackError("message_not_found") };
  }
  if (args.replace_original === true || args.replace_original === "true") {
    const updated = target.ts !== undefined && store.update(target.channel, target.ts, content);
    return updated ? { ok: true } : { status: 404, body: slackError("message_not_found") };
  }
  if (args.response_type === "in_channel") {
    store.post(target.channel, content, typeof args.thread_ts === "string" ? args.thread_ts : undefined);
  } else {
    store.postEphemeral(target.channel, {
      user: target.user,
      text: content.text,
      blocks: content.blocks,
      ts: undefined,
    });
  }
  return { ok: true };
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const identity: FakeSlackIdentity = {
    teamId: "T0FAKE",
    botUserId: "U0WARDEN",
    botId: "B0WARDEN",
    ...options.identity,
  };
  const users = new Map((options.users ?? []).map((u) => [u.email, u] as const));
  const store = new SlackMessageStore();
  const calls: RecordedSlackCall[] = [];
  const callTimes: number[] = [];
  const scripts = new Map<string, { reply: FakeSlackReply; when: Record<string, string> | undefined }[]>();
  const rateLimited: RecordedSlackCall[] = [];
  const limits = options.enforceTiers === true ? SLACK_TIER_LIMITS : options.enforceTiers || undefined;
  let gate = limits ? createSlackTierGate(limits) : undefined;
  const responseTargets = new Map<string, ResponseUrlTarget | undefined>();
  let baseUrl = "";

  const answer = (req: IncomingMessage, body: string, arrivedAt: number): FakeSlackReply => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const args = parseSlackArgs(body, req.headers["content-type"]);
    const responseMatch = /^\/response\/([^/]+)$/.exec(path);
    const method = responseMatch ? "response_url" : decodeURIComponent(path.replace(/^\/api\//, ""));
    const token = responseMatch ? undefined : bearer(req, args);
    const call: RecordedSlackCall = { method, args, token };
    if (responseMatch?.[1]) call.responseUrlId = responseMatch[1];
    calls.push(call);
    callTimes.push(arrivedAt);

    const queue = scripts.get(method) ?? [];
    const at = queue.findIndex(
      (s) => !s.when || Object.entries(s.when).every(([key, value]) => args[key] === value),
    );
    const scripted = at === -1 ? undefined : queue.splice(at, 1)[0];
    if (scripted) return scripted.reply;
    if (responseMatch) {
      const id = responseMatch[1] ?? "";
      if (!responseTargets.has(id)) return { status: 404, body: "no such response_url" };
      return applyResponse(store, responseTargets.get(id), args);
    }
    if (!path.startsWith("/api/")) return { status: 404, body: "not found" };
    if (req.method !== "POST" && req.method !== "GET") return { status: 405, body: "method not allowed" };
    const handler = slackMethods[method];
    if (!handler) return slackError("unknown_method");
    if (!token) return slackError("not_authed");
    const retryAfter = gate?.(method, args, arrivedAt);
    if (retryAfter !== undefined) {
      rateLimited.push(call);
      return slackRateLimited(retryAfter);
    }
    return handler({ args, store, users, identity, baseUrl });
  };

  const waiters = createCallWaiters();
  const server = createServer((req, res) => {
    // When the request arrived, not when its body was read: rate limits count arrivals.
    const arrivedAt = performance.now();
    readBody(req)
      .then((body) => {
        send(res, answer(req, body, arrivedAt));
        waiters.wake();
      })
      .catch((error: unknown) => send(res, { status: 500, body: `fake slack failed: ${String(error)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${baseUrl}/api/`,
    baseUrl,
    calls,
    callTimes,
    users,
    identity,
    script(method, reply, scriptOptions = {}) {
      const queue = scripts.get(method) ?? [];
      const when = scriptOptions.when;
      queue.push(...(Array.isArray(reply) ? reply : [reply]).map((r) => ({ reply: r, when })));
      scripts.set(method, queue);
    },
    rateLimited,
    enforceTiers(next) {
      gate = next ? createSlackTierGate(next) : undefined;
    },
    responseUrl(target) {
      const id = `R${responseTargets.size + 1}`;
      responseTargets.set(id, target);
      return `${baseUrl}/response/${id}`;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => store.messages(channel),
    ephemerals: (channel) => store.ephemerals(channel),
    views: () => [...store.views.values()].map((v) => ({ ...v })),
    home: (userId) => {
      const shown = store.homes.get(userId);
      return shown && { ...shown };
    },
    until: waiters.until,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
