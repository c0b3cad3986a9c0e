/**
 * A fake of the Bot Framework Connector REST API (the `serviceUrl` Teams puts on activities) on
 * 127.0.0.1 and a free port, for tests that drive botbuilder's CloudAdapter / ConnectorClient
 * over real HTTP with auth disabled (empty MicrosoftAppId → no Authorization header).
 *
 * Routes (as ConnectorClient calls them; conversation ids arrive URL-encoded and may hold `:`/`@`):
 * `POST v3/conversations`, `POST v3/conversations/:id/activities[/:replyToId]`,
 * `PUT|DELETE v3/conversations/:id/activities/:activityId`, `GET v3/conversations/:id/members[/:userId]`,
 * `GET v3/conversations/:id/pagedmembers?pageSize=&continuationToken=`.
 * Proactive sends (`continueConversationAsync`) POST to `…/activities/<random uuid>`; that is accepted.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCallWaiters } from "./call-waiters.js";
import {
  addTeamsMember,
  FAKE_TENANT_ID,
  type FakeTeamsMember,
  type FakeTeamsMemberInput,
  findTeamsMember,
  pageOfMembers,
  uniqueMembers,
} from "./fake-bot-connector-members.js";

export type { FakeTeamsMember, FakeTeamsMemberInput } from "./fake-bot-connector-members.js";
export { FAKE_TENANT_ID } from "./fake-bot-connector-members.js";

/** Which connector operation a request was. */
export type ConnectorRouteKind =
  | "createConversation"
  | "sendActivity"
  | "updateActivity"
  | "deleteActivity"
  | "getMember"
  | "getMembers"
  | "getPagedMembers"
  | "unknown";

/** One request the fake received. */
export interface RecordedConnectorRequest {
  kind: ConnectorRouteKind;
  method: string;
  /** Raw path as sent (still URL-encoded). */
  path: string;
  /** Decoded conversation id, when the route has one. */
  conversationId?: string;
  /** Decoded activity id from the path (reply-to id for sends, target for update/delete). */
  activityId?: string;
  /** Decoded member id/email/UPN for getMember. */
  memberId?: string;
  query: Record<string, string>;
  /** `Authorization` header (absent when bot auth is disabled). */
  authorization: string | undefined;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
}

/** A raw HTTP reply to script. Objects are sent as JSON. */
export interface ConnectorReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** An activity as stored (JSON as the bot sent it, with the id the fake assigned). */
export interface StoredActivity {
  id: string;
  type?: string;
  text?: string;
  replyToId?: string;
  attachments?: { contentType: string; content?: unknown }[];
  [field: string]: unknown;
}

/** A conversation the fake knows (created, or first used by a send). */
export interface FakeConversation {
  id: string;
  isGroup: boolean;
  tenantId: string | undefined;
  /** `members` of the create request. */
  members: unknown[];
  activities: StoredActivity[];
}

export interface FakeBotConnector {
  /** e.g. `http://127.0.0.1:PORT/` (with trailing slash) — use as the activity's serviceUrl. */
  serviceUrl: string;
  /** Every request in arrival order (scripted ones too). */
  requests: RecordedConnectorRequest[];
  /** Roster by email and UPN (both keys → same object); fill via `addMember`. */
  members: Map<string, FakeTeamsMember>;
  /** Adds a member under its email and UPN, generating `29:` and AAD ids. */
  addMember(input: FakeTeamsMemberInput): FakeTeamsMember;
  /** Queues replies for the next request(s) of a route kind; they replace the default handling. */
  script(kind: ConnectorRouteKind, reply: ConnectorReply | ConnectorReply[]): void;
  /** Current activities per conversation id (after updates/deletes). */
  conversations(): Map<string, StoredActivity[]>;
  /** Current activities of one conversation ([] when unknown). */
  activities(conversationId: string): StoredActivity[];
  /** Conversation details (members, isGroup), when known. */
  conversation(conversationId: string): FakeConversation | undefined;
  /** Requests of one route kind. */
  requestsOf(kind: ConnectorRouteKind): RecordedConnectorRequest[];
  /**
   * Resolves with `check()`'s first truthy value, checked now and again after every request the
   * fake answers (an event, not a poll); rejects after `timeoutMs` (generous: loaded CI machines).
   */
  until<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  until<T>(check: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** 403 as Teams answers when the user blocked or uninstalled the bot. */
export function connectorForbidden(
  message = "Failed to send activity: bot is not allowed to send messages (MessageWritesBlocked)",
): ConnectorReply {
  return { status: 403, body: errorBody("Forbidden", message) };
}

/** 403 when the bot is not installed for the user/conversation. */
export function connectorNotInRoster(): ConnectorReply {
  return {
    status: 403,
    body: errorBody("BotNotInConversationRoster", "The bot is not part of the conversation roster."),
  };
}

/** 429 with `Retry-After`. */
export function connectorThrottled(retryAfterSeconds = 1): ConnectorReply {
  return {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: errorBody("Throttled", "Too many requests"),
  };
}

interface ParsedRoute {
  kind: ConnectorRouteKind;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
}

/** Maps method + raw path to a route kind and decoded ids. */
function parseRoute(method: string, path: string): ParsedRoute {
  const parts = path.replace(/^\/+/, "").split("/").map(decodeURIComponent);
  if (parts[0] !== "v3" || parts[1] !== "conversations") return { kind: "unknown" };
  const [, , conversationId, sub, leaf, extra] = parts;
  if (conversationId === undefined) return { kind: method === "POST" ? "createConversation" : "unknown" };
  if (extra !== undefined) return { kind: "unknown" };
  if (sub === "activities") {
    if (method === "POST" && leaf !== "history") {
      return leaf === undefined
        ? { kind: "sendActivity", conversationId }
        : { kind: "sendActivity", conversationId, activityId: leaf };
    }
    if (leaf !== undefined && method === "PUT")
      return { kind: "updateActivity", conversationId, activityId: leaf };
    if (leaf !== undefined && method === "DELETE")
      return { kind: "deleteActivity", conversationId, activityId: leaf };
  }
  if (sub === "members" && method === "GET") {
    return leaf === undefined
      ? { kind: "getMembers", conversationId }
      : { kind: "getMember", conversationId, memberId: leaf };
  }
  if (sub === "pagedmembers" && method === "GET" && leaf === undefined)
    return { kind: "getPagedMembers", conversationId };
  return { kind: "unknown" };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: ConnectorReply): void {
  const text =
    reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(reply.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    ...reply.headers,
  });
  res.end(text);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Starts the fake connector on 127.0.0.1 and a free port. */
export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const requests: RecordedConnectorRequest[] = [];
  const members = new Map<string, FakeTeamsMember>();
  const scripts = new Map<ConnectorRouteKind, ConnectorReply[]>();
  const store = new Map<string, FakeConversation>();
  let nextActivity = 0;
  let nextGroup = 0;
  let serviceUrl = "";

  const conversationFor = (id: string, init: Partial<FakeConversation> = {}): FakeConversation => {
    const existing = store.get(id);
    if (existing) return existing;
    const created: FakeConversation = {
      id,
      isGroup: false,
      tenantId: undefined,
      members: [],
      activities: [],
      ...init,
    };
    store.set(id, created);
    return created;
  };

  const storeActivity = (conversation: FakeConversation, body: unknown): string => {
    nextActivity += 1;
    const id = String(1_700_000_000_000 + nextActivity);
    conversation.activities.push({ ...asRecord(body), id });
    return id;
  };

  const createConversation = (body: unknown): ConnectorReply => {
    const params = asRecord(body);
    const requested = Array.isArray(params.members) ? params.members : [];
    const isGroup = params.isGroup === true || requested.length !== 1;
    const firstId = String(asRecord(requested[0]).id ?? "");
    const known = findTeamsMember(members, firstId);
    nextGroup += isGroup ? 1 : 0;
    const id = isGroup ? `19:fake-group-${nextGroup}@thread.v2` : `a:1dm-${known?.id ?? firstId}`;
    const tenantId = typeof params.tenantId === "string" ? params.tenantId : FAKE_TENANT_ID;
    const conversation = conversationFor(id, { isGroup, tenantId, members: requested });
    const activityId =
      params.activity === undefined ? undefined : storeActivity(conversation, params.activity);
    return { status: 201, body: { id, serviceUrl, ...(activityId ? { activityId } : {}) } };
  };

  const answer = (route: ParsedRoute, body: unknown, query: URLSearchParams): ConnectorReply => {
    const conversationId = route.conversationId ?? "";
    switch (route.kind) {
      case "createConversation":
        return createConversation(body);
      case "sendActivity":
        return { status: 201, body: { id: storeActivity(conversationFor(conversationId), body) } };
      case "updateActivity": {
        const list = store.get(conversationId)?.activities ?? [];
        const at = list.findIndex((a) => a.id === route.activityId);
        if (at === -1)
          return { status: 404, body: errorBody("ActivityNotFoundInConversation", "Unknown activity") };
        list[at] = { ...asRecord(body), id: route.activityId ?? "" };
        return { status: 200, body: { id: route.activityId } };
      }
      case "deleteActivity": {
        const list = store.get(conversationId)?.activities ?? [];
        const at = list.findIndex((a) => a.id === route.activityId);
        if (at === -1)
          return { status: 404, body: errorBody("ActivityNotFoundInConversation", "Unknown activity") };
        list.splice(at, 1);
        return { status: 200 };
      }
      case "getMember": {
        const member = findTeamsMember(members, route.memberId ?? "");
        return member
          ? { status: 200, body: member }
          : {
              status: 404,
              body: errorBody("MemberNotFoundInConversation", "Member not found in conversation."),
            };
      }
      case "getMembers":
        return { status: 200, body: uniqueMembers(members) };
      case "getPagedMembers": {
        const page = pageOfMembers(members, query.get("pageSize"), query.get("continuationToken"));
        return page
          ? { status: 200, body: page }
          : { status: 400, body: errorBody("BadArgument", "Invalid continuation token") };
      }
      default:
        return { status: 404, body: errorBody("NotFound", "No such route in the fake connector") };
    }
  };

  const handle = (req: IncomingMessage, raw: string): ConnectorReply => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const route = parseRoute(method, url.pathname);
    const body = raw.trim() === "" ? undefined : (JSON.parse(raw) as unknown);
    const recorded: RecordedConnectorRequest = {
      kind: route.kind,
      method,
      path: (req.url ?? "/").split("?")[0] ?? "/",
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body,
    };
    if (route.conversationId !== undefined) recorded.conversationId = route.conversationId;
    if (route.activityId !== undefined) recorded.activityId = route.activityId;
    if (route.memberId !== undefined) recorded.memberId = route.memberId;
    requests.push(recorded);
    return scripts.get(route.kind)?.shift() ?? answer(route, body, url.searchParams);
  };

  const waiters = createCallWaiters();
  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        send(res, handle(req, raw));
        waiters.wake();
      })
      .catch((error: unknown) => send(res, { status: 500, body: errorBody("FakeFailed", String(error)) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    serviceUrl,
    requests,
    members,
    addMember: (input) => addTeamsMember(members, input),
    script(kind, reply) {
      const queue = scripts.get(kind) ?? [];
      queue.push(...(Array.isArray(reply) ? reply : [reply]));
      scripts.set(kind, queue);
    },
    conversations: () => new Map([...store].map(([id, c]) => [id, c.activities.map((a) => ({ ...a }))])),
    activities: (conversationId) => (store.get(conversationId)?.activities ?? []).map((a) => ({ ...a })),
    conversation: (conversationId) => store.get(conversationId),
    requestsOf: (kind) => requests.filter((r) => r.kind === kind),
    until: waiters.until,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
