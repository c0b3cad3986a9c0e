import type { SourceErrorCode } from "../../errors.js";
import type { EntraTokenProvider } from "./entra-token-provider.js";
import { GraphError, readGraphEnvelope } from "./graph-error.js";
import { type GraphAnswer, type GraphTransport, pathOf } from "./graph-transport.js";

/** Microsoft Graph, signed in: JSON reads, paged listings and writes, errors as GraphError. */
export interface GraphClient {
  /** GET one JSON object; `path` is relative to ENTRA_GRAPH_URL, e.g. "/v1.0/servicePrincipals/{id}". */
  get<T>(path: string, query?: Record<string, string>): Promise<T>;
  /**
   * Every item of a collection, following @odata.nextLink until there is none
   * (https://learn.microsoft.com/en-us/graph/paging). A link seen before, or one leading off the
   * Graph host, is an error (E_SOURCE_MALFORMED), never a loop nor a token sent elsewhere.
   */
  listAll<T>(path: string, query?: Record<string, string>): Promise<T[]>;
  /** PATCH or POST a JSON body; Graph answers 204 (no content). */
  write(method: "PATCH" | "POST", path: string, body: unknown): Promise<void>;
  readonly requestCount: number;
}

export interface GraphClientOptions {
  /** ENTRA_GRAPH_URL, no trailing slash. */
  graphUrl: string;
  tokens: EntraTokenProvider;
  transport: GraphTransport;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const { graphUrl, tokens, transport } = options;
  const origin = new URL(graphUrl).origin;
  const urlOf = (path: string, query?: Record<string, string>): string => {
    const url = new URL(`${graphUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  };

  /** One request with a bearer token; a 401 (token expired mid-scan) signs in again once. */
  async function call(method: "GET" | "PATCH" | "POST", url: string, body?: unknown): Promise<GraphAnswer> {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.getToken();
      const answer = await transport.send({
        method,
        url,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (answer.status === 401 && attempt === 0) {
        tokens.invalidate(token);
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) throw graphAnswerError(method, url, answer);
      return answer;
    }
  }

  function parse(method: string, url: string, answer: GraphAnswer): unknown {
    const type = answer.headers["content-type"] ?? "";
    try {
      if (!/json/i.test(type) && /^\s*</.test(answer.body)) throw new SyntaxError("HTML");
      return JSON.parse(answer.body);
    } catch {
      const html = /^\s*</.test(answer.body);
      throw new GraphError(
        html ? "E_SOURCE_NOT_JSON" : "E_SOURCE_MALFORMED",
        `Entra ${method} ${pathOf(url)} failed: the answer is ${html ? "an HTML page, not JSON (a proxy or sign-in page is in the way: check ENTRA_GRAPH_URL)" : "not valid JSON"}.`,
        { status: answer.status, method, url: pathOf(url) },
      );
    }
  }

  return {
    get requestCount() {
      return transport.requestCount;
    },
    async get<T>(path: string, query?: Record<string, string>) {
      const url = urlOf(path, query);
      return parse("GET", url, await call("GET", url)) as T;
    },
    async listAll<T>(path: string, query?: Record<string, string>) {
      const items: T[] = [];
      const seen = new Set<string>();
      let url: string | undefined = urlOf(path, query);
      while (url !== undefined) {
        seen.add(url);
        const page = parse("GET", url, await call("GET", url)) as {
          value?: unknown;
          "@odata.nextLink"?: unknown;
        } | null;
        if (page === null || typeof page !== "object" || !Array.isArray(page.value)) {
          throw new GraphError(
            "E_SOURCE_MALFORMED",
            `Entra GET ${pathOf(url)} failed: the answer has no "value" array.`,
            {
              status: 200,
              method: "GET",
              url: pathOf(url),
            },
          );
        }
        items.push(...(page.value as T[]));
        const next = page["@odata.nextLink"];
        if (next === undefined || next === null) break;
        if (typeof next !== "string" || seen.has(next) || safeOrigin(next) !== origin) {
          throw new GraphError(
            "E_SOURCE_MALFORMED",
            `Entra GET ${pathOf(url)} failed: Graph's @odata.nextLink ${typeof next === "string" && seen.has(next) ? "repeats a page already read" : "is not a link on ENTRA_GRAPH_URL"}, so paging would never end (${items.length} items read). Try again; if it persists, report it to Microsoft.`,
            { status: 200, method: "GET", url: pathOf(url) },
          );
        }
        url = next;
      }
      return items;
    },
    async write(method, path, body) {
      await call(method, urlOf(path), body);
    },
  };
}

const safeOrigin = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** What permission each listing needs, for a 403's advice (reference: least-privileged permissions). */
function permissionFor(path: string): string {
  if (path.includes("/reports/")) return "AuditLog.Read.All (and an Entra ID P1/P2 licence)";
  if (path.includes("/roleManagement/")) return "RoleManagement.Read.Directory";
  if (/\/(servicePrincipals|applications)\/[^/]+$/.test(path) || /remove(Password|Key)$/.test(path)) {
    return "Application.ReadWrite.OwnedBy (remediation, opt-in)";
  }
  return "Application.Read.All";
}

/** A non-2xx Graph answer (after retries) as a GraphError with Graph's code and what to do. */
export function graphAnswerError(method: string, url: string, answer: GraphAnswer): GraphError {
  const path = pathOf(url);
  const envelope = readGraphEnvelope(answer.body);
  const head = `Entra ${method} ${path} failed: ${answer.status}${envelope.code ? ` ${envelope.code}` : ""}${envelope.message ? ` (${envelope.message})` : ""}`;
  const s = answer.status;
  let code: SourceErrorCode;
  let advice = "";
  if (s === 401) {
    code = "E_SOURCE_AUTH";
    advice =
      " Graph refused a fresh token: check ENTRA_GRAPH_URL is the Graph of the same cloud as ENTRA_AUTHORITY_HOST.";
  } else if (s === 403) {
    code = "E_SOURCE_FORBIDDEN";
    advice =
      envelope.code === "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
        ? " The tenant has no Entra ID P1/P2 licence, which sign-in activity reports need."
        : ` Grant warden's app registration the application permission ${permissionFor(path)} and admin consent.`;
  } else if (s === 404) code = "E_SOURCE_NOT_FOUND";
  else if (s === 400) code = "E_SOURCE_BAD_REQUEST";
  else if (s === 429) {
    code = "E_SOURCE_RATE_LIMITED";
    advice = " Graph kept throttling after every retry; run the scan again later.";
  } else if (s >= 500) {
    code = "E_SOURCE_UNAVAILABLE";
    advice = " Graph kept failing after every retry; try again later.";
  } else code = "E_SOURCE_HTTP";
  return new GraphError(code, `${head}.${advice}`, {
    status: s,
    method,
    url: path,
    graphCode: envelope.code,
  });
}
