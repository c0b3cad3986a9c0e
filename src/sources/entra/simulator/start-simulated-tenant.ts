/**
 * A simulated Entra tenant on a real HTTPS server (node:https, a certificate made for the run):
 * the token endpoint and OpenID documents of the sign-in host, and the Microsoft Graph routes and
 * query options warden uses, with Graph's paging, error envelope, throttling and licence faults.
 * One server plays both hosts (ENTRA_AUTHORITY_HOST and ENTRA_GRAPH_URL point at it).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createTlsCertificate } from "./create-tls-certificate.js";
import {
  aadstsError,
  graphError,
  insufficientPrivileges,
  resourceNotFound,
  type TenantAnswer,
} from "./graph-answers.js";
import type { SimApplication, SimClient, TenantData } from "./tenant-data.js";
import { TenantFaults } from "./tenant-faults.js";

export interface SimulatedTenantOptions {
  data: TenantData;
  /** The tenant clock (token expiry). Default: real time. */
  now?: () => Date;
  /** expires_in of issued tokens. Default 3599 (as the documented example). */
  tokenTtlSeconds?: number;
  /** Largest page served whatever $top asks (Graph's maximum is 999). */
  maxPageSize?: number;
}

export interface TenantRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface SimulatedTenant {
  /** https://127.0.0.1:port (no trailing slash): both the authority host and the Graph URL. */
  readonly url: string;
  /** PEM of the CA that signed the server's certificate: what clients must trust. */
  readonly ca: string;
  readonly data: TenantData;
  readonly faults: TenantFaults;
  readonly requests: TenantRequest[];
  /** Makes every token issued so far expired (Graph answers 401 InvalidAuthenticationToken). */
  expireTokens(): void;
  close(): Promise<void>;
}

const GUID = "[0-9a-fA-F-]{36}";
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export async function startSimulatedTenant(options: SimulatedTenantOptions): Promise<SimulatedTenant> {
  const { data } = options;
  const now = options.now ?? (() => new Date());
  const ttl = options.tokenTtlSeconds ?? 3599;
  const maxPage = options.maxPageSize ?? 999;
  const tls = createTlsCertificate();
  const faults = new TenantFaults();
  const requests: TenantRequest[] = [];
  const tokens = new Map<string, { client: SimClient; expiresAt: number }>();
  let base = "";

  const findClient = (id: string) => data.clients.find((c) => c.clientId === id);

  function tokenRequest(tenant: string, form: URLSearchParams): TenantAnswer {
    if (tenant !== data.tenantId) {
      return aadstsError(
        400,
        "invalid_tenant",
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    if (form.get("grant_type") !== "client_credentials") {
      return aadstsError(
        400,
        "unsupported_grant_type",
        70003,
        "The app requested an unsupported grant type.",
      );
    }
    const clientId = form.get("client_id") ?? "";
    const client = findClient(clientId);
    if (!client) {
      return aadstsError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    const secret = form.get("client_secret");
    if (!secret) {
      return aadstsError(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (secret !== client.secret) {
      return aadstsError(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    const scope = form.get("scope") ?? "";
    if (!scope.endsWith("/.default")) {
      return aadstsError(
        400,
        "invalid_scope",
        70011,
        `The provided value for the input parameter 'scope' isn't valid. The scope ${scope} isn't valid.`,
      );
    }
    const exp = Math.floor(now().getTime() / 1000) + ttl;
    // Shaped like Entra's access tokens (header.payload.signature) with the `roles` claim the
    // doctor can read; the simulator checks tokens by lookup, not by signature.
    const token = `${b64url({ typ: "JWT", alg: "none" })}.${b64url({
      aud: "https://graph.microsoft.com",
      tid: data.tenantId,
      appid: clientId,
      roles: client.roles,
      exp,
    })}.${randomBytes(16).toString("base64url")}`;
    tokens.set(token, { client, expiresAt: exp * 1000 });
    return {
      status: 200,
      headers: { "cache-control": "no-store, no-cache" },
      json: { token_type: "Bearer", expires_in: ttl, ext_expires_in: ttl, access_token: token },
    };
  }

  function openIdConfiguration(tenant: string): TenantAnswer {
    if (tenant !== data.tenantId)
      return aadstsError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
    const root = `${base}/${tenant}`;
    return {
      status: 200,
      json: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        jwks_uri: `${root}/discovery/v2.0/keys`,
        issuer: `${root}/v2.0`,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
      },
    };
  }

  /** Serves `items` a page at a time, with an absolute @odata.nextLink carrying the other options. */
  function page(url: URL, items: unknown[], context: string): TenantAnswer {
    const top = Math.min(Number(url.searchParams.get("$top") ?? 100) || 100, maxPage);
    const offset = Number(Buffer.from(url.searchParams.get("$skiptoken") ?? "", "base64url").toString() || 0);
    const body: Record<string, unknown> = {
      "@odata.context": `${base}${url.pathname.startsWith("/beta") ? "/beta" : "/v1.0"}/$metadata#${context}`,
      value: items.slice(offset, offset + top),
    };
    if (offset + top < items.length) {
      const next = new URL(url.toString());
      const repeat = [...faults.repeatingNextLink].some((p) => url.pathname.startsWith(p));
      // A repeating link points the second page back at itself: paging made progress, then loops.
      if (!repeat || offset === 0)
        next.searchParams.set("$skiptoken", Buffer.from(String(offset + top)).toString("base64url"));
      body["@odata.nextLink"] = next.toString();
    }
    return { status: 200, json: body };
  }

  const select = (url: URL, object: Record<string, unknown>): Record<string, unknown> => {
    const fields = url.searchParams.get("$select");
    if (!fields) return object;
    const out: Record<string, unknown> = {};
    for (const f of fields.split(",").map((s) => s.trim())) if (f in object) out[f] = object[f];
    if ("@odata.type" in object) out["@odata.type"] = object["@odata.type"];
    return out;
  };

  function directoryObject(id: string, canReadUsers: boolean): Record<string, unknown> {
    const user = data.users.find((u) => u.id === id);
    if (user) {
      // Without User.Read.All, "only the @odata.type property for the object type and the id is
      // returned" (https://learn.microsoft.com/en-us/graph/api/application-list-owners).
      if (!canReadUsers) {
        return {
          "@odata.type": "#microsoft.graph.user",
          id,
          displayName: null,
          mail: null,
          userPrincipalName: null,
          accountEnabled: null,
        };
      }
      return { "@odata.type": "#microsoft.graph.user", ...user };
    }
    const group = data.groups.find((g) => g.id === id);
    if (group)
      return { "@odata.type": "#microsoft.graph.group", id, displayName: group.displayName, mail: null };
    const sp = data.servicePrincipals.find((s) => s.id === id);
    if (sp)
      return {
        "@odata.type": "#microsoft.graph.servicePrincipal",
        id,
        displayName: sp.displayName,
        appId: sp.appId,
      };
    return { "@odata.type": "#microsoft.graph.directoryObject", id };
  }

  function applicationJson(
    app: SimApplication,
    url: URL,
    canReadUsers: boolean,
    single = false,
  ): Record<string, unknown> {
    const object: Record<string, unknown> = {
      id: app.id,
      appId: app.appId,
      displayName: app.displayName,
      createdDateTime: app.createdDateTime,
      signInAudience: app.signInAudience,
      passwordCredentials: app.passwordCredentials.map(({ secretText: _, ...p }) => ({
        customKeyIdentifier: null,
        ...p,
        secretText: null,
      })),
      // `key` "Requires $select to retrieve; only available for single object requests"
      // (https://learn.microsoft.com/en-us/graph/api/resources/keycredential).
      keyCredentials: app.keyCredentials.map((k) => ({
        customKeyIdentifier: "52B8",
        ...k,
        key: single && /\bkeyCredentials\b/.test(url.searchParams.get("$select") ?? "") ? k.key : null,
      })),
    };
    const out = select(url, object);
    const expand = url.searchParams.get("$expand");
    if (expand?.startsWith("owners")) {
      const nested = /^owners\(\$select=([^)]*)\)$/.exec(expand)?.[1];
      // $expand returns at most 20 related directory objects and no nextLink
      // (https://learn.microsoft.com/en-us/graph/query-parameters#expand).
      out.owners = app.ownerIds.slice(0, 20).map((id) => {
        const o = directoryObject(id, canReadUsers);
        if (!nested) return o;
        const picked: Record<string, unknown> = { "@odata.type": o["@odata.type"], id };
        for (const f of nested.split(",")) if (f in o) picked[f] = o[f];
        return picked;
      });
    }
    return out;
  }

  /**
   * PATCH /applications/{id}: only keyCredentials are writable here (what warden sends); the
   * collection is replaced by the one sent, and each entry needs its key (a kept certificate is
   * sent back with the key a single-object $select returned). passwordCredentials cannot be
   * PATCHed (https://learn.microsoft.com/en-us/graph/api/application-update).
   */
  function patchApplication(app: SimApplication, body: unknown): TenantAnswer {
    const patch = (body ?? {}) as Record<string, unknown>;
    if ("passwordCredentials" in patch) {
      return graphError(
        400,
        "Request_BadRequest",
        "Property 'passwordCredentials' is read-only and cannot be set. Use addPassword and removePassword.",
      );
    }
    const keys = patch.keyCredentials;
    if (!Array.isArray(keys)) {
      return graphError(400, "Request_BadRequest", "Invalid value specified for property 'keyCredentials'.");
    }
    const next: SimApplication["keyCredentials"] = [];
    for (const entry of keys as Record<string, unknown>[]) {
      const { keyId, key, type, usage, startDateTime, endDateTime, displayName } = entry ?? {};
      if (typeof keyId !== "string" || typeof key !== "string" || key === "") {
        return graphError(
          400,
          "Request_BadRequest",
          "Invalid value specified for property 'key' of resource 'KeyCredential'.",
        );
      }
      const existing = app.keyCredentials.find((k) => k.keyId === keyId);
      next.push({
        keyId,
        key,
        displayName: typeof displayName === "string" ? displayName : (existing?.displayName ?? null),
        type: type === "Symmetric" ? "Symmetric" : "AsymmetricX509Cert",
        usage: usage === "Sign" ? "Sign" : "Verify",
        startDateTime:
          typeof startDateTime === "string"
            ? startDateTime
            : (existing?.startDateTime ?? now().toISOString()),
        endDateTime:
          typeof endDateTime === "string" ? endDateTime : (existing?.endDateTime ?? now().toISOString()),
      });
    }
    app.keyCredentials = next;
    return { status: 204 };
  }

  function graph(method: string, url: URL, client: SimClient, body: unknown): TenantAnswer {
    const path = url.pathname;
    const has = (...roles: string[]) => roles.some((r) => client.roles.includes(r));
    const canRead = has("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All");
    const canWrite = has("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy");
    const filter = url.searchParams.get("$filter");
    if (filter !== null && !/^(reports|roleManagement)/.test(path.replace(/^\/(v1\.0|beta)\//, ""))) {
      return graphError(
        400,
        "Request_UnsupportedQuery",
        `Unsupported or invalid query filter clause specified: ${filter}`,
      );
    }
    let m: RegExpExecArray | null;
    if (method === "GET" && /^\/(v1\.0|beta)\/applications$/.test(path)) {
      if (!canRead) return insufficientPrivileges();
      const canReadUsers = has("User.Read.All", "Directory.Read.All");
      return page(
        url,
        data.applications.map((a) => applicationJson(a, url, canReadUsers)),
        "applications",
      );
    }
    if (method === "GET" && /^\/(v1\.0|beta)\/servicePrincipals$/.test(path)) {
      if (!canRead) return insufficientPrivileges();
      return page(
        url,
        data.servicePrincipals.map(({ appRoles: _, ...sp }) => select(url, sp)),
        "servicePrincipals",
      );
    }
    m = method === "GET" ? new RegExp(`^/(?:v1\\.0|beta)/applications/(${GUID})/owners$`).exec(path) : null;
    if (m) {
      if (!canRead) return insufficientPrivileges();
      const app = data.applications.find((a) => a.id === m?.[1]);
      if (!app) return resourceNotFound(m[1] ?? "");
      const canReadUsers = has("User.Read.All", "Directory.Read.All");
      return page(
        url,
        app.ownerIds.map((id) => select(url, directoryObject(id, canReadUsers))),
        "directoryObjects",
      );
    }
    m = new RegExp(`^/(?:v1\\.0|beta)/applications(?:/(${GUID})|\\(appId='(${GUID})'\\))$`).exec(path);
    if (m) {
      const [, objectId, appId] = m;
      const app = data.applications.find((a) => (objectId ? a.id === objectId : a.appId === appId));
      if (!app) return resourceNotFound(objectId ?? appId ?? "");
      if (method === "GET") {
        if (!canRead) return insufficientPrivileges();
        return {
          status: 200,
          json: applicationJson(app, url, has("User.Read.All", "Directory.Read.All"), true),
        };
      }
      if (method === "PATCH") {
        if (!canWrite) return insufficientPrivileges();
        return patchApplication(app, body);
      }
    }
    m = new RegExp(`^/(?:v1\\.0|beta)/servicePrincipals\\(appId='(${GUID})'\\)$`).exec(path);
    if (m) {
      if (!canRead) return insufficientPrivileges();
      const sp = data.servicePrincipals.find((s) => s.appId === m?.[1]);
      if (!sp) return resourceNotFound(m[1] ?? "");
      return { status: 200, json: select(url, { ...sp }) };
    }
    m = new RegExp(`^/(?:v1\\.0|beta)/servicePrincipals/(${GUID})/appRoleAssignedTo$`).exec(path);
    if (m) {
      if (!canRead) return insufficientPrivileges();
      const resourceId = m[1];
      return page(
        url,
        data.graphAppRoleAssignments
          .filter((a) => a.resourceId === resourceId)
          .map((a) => select(url, { ...a })),
        "appRoleAssignments",
      );
    }
    m = new RegExp(`^/(?:v1\\.0|beta)/servicePrincipals/(${GUID})$`).exec(path);
    if (m) {
      const sp = data.servicePrincipals.find((s) => s.id === m?.[1]);
      if (!sp) return resourceNotFound(m[1] ?? "");
      if (method === "GET")
        return canRead ? { status: 200, json: select(url, { ...sp }) } : insufficientPrivileges();
      if (method === "PATCH") {
        if (!canWrite) return insufficientPrivileges();
        const enabled = (body as { accountEnabled?: unknown } | null)?.accountEnabled;
        if (typeof enabled !== "boolean")
          return graphError(
            400,
            "Request_BadRequest",
            "Invalid value specified for property 'accountEnabled'.",
          );
        sp.accountEnabled = enabled;
        return { status: 204 };
      }
    }
    m =
      method === "POST"
        ? new RegExp(`^/(?:v1\\.0|beta)/applications/(${GUID})/(removePassword|removeKey)$`).exec(path)
        : null;
    if (m) {
      if (!canWrite) return insufficientPrivileges();
      const app = data.applications.find((a) => a.id === m?.[1]);
      if (!app) return resourceNotFound(m[1] ?? "");
      const keyId = (body as { keyId?: unknown } | null)?.keyId;
      const list: { keyId: string }[] =
        m[2] === "removePassword" ? app.passwordCredentials : app.keyCredentials;
      const index = list.findIndex((c) => c.keyId === keyId);
      if (index < 0)
        return graphError(
          404,
          "Request_ResourceNotFound",
          `No credential with keyId '${String(keyId)}' on application '${app.id}'.`,
        );
      if (m[2] === "removeKey" && typeof (body as { proof?: unknown }).proof !== "string") {
        return graphError(400, "Request_BadRequest", "The proof of possession (proof) is required.");
      }
      list.splice(index, 1);
      return { status: 204 };
    }
    if (method === "GET" && /^\/(v1\.0|beta)\/roleManagement\/directory\/roleAssignments$/.test(path)) {
      if (!has("RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All"))
        return insufficientPrivileges();
      return page(
        url,
        data.roleAssignments.map((r) => select(url, { ...r })),
        "roleManagement/directory/roleAssignments",
      );
    }
    if (method === "GET" && /^\/(v1\.0|beta)\/roleManagement\/directory\/roleDefinitions$/.test(path)) {
      if (!has("RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All"))
        return insufficientPrivileges();
      return page(
        url,
        data.roleDefinitions.map((r) => select(url, { ...r })),
        "roleManagement/directory/roleDefinitions",
      );
    }
    const report = /^\/beta\/reports\/(servicePrincipalSignInActivities|appCredentialSignInActivities)$/.exec(
      path,
    );
    if (method === "GET" && report) {
      if (!has("AuditLog.Read.All", "Directory.Read.All")) return insufficientPrivileges();
      if (faults.noPremiumLicence) {
        return graphError(
          403,
          "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
          "Neither tenant is B2C or tenant doesn't have premium license",
        );
      }
      const askedTop = Number(url.searchParams.get("$top") ?? 0);
      if (faults.reportTopLimit !== undefined && askedTop > faults.reportTopLimit) {
        return graphError(400, "Request_BadRequest", `Invalid page size specified: '${askedTop}'.`);
      }
      if (report[1] === "servicePrincipalSignInActivities") {
        const rows = [...data.spSignIns].map(([appId, s]) => ({
          id: Buffer.from(appId).toString("base64"),
          appId,
          lastSignInActivity: { lastSignInDateTime: s.lastSignInDateTime, lastSignInRequestId: appId },
          applicationAuthenticationClientSignInActivity: s.appOnlyClientDateTime
            ? { lastSignInDateTime: s.appOnlyClientDateTime, lastSignInRequestId: appId }
            : null,
        }));
        return page(
          url,
          rows.map((r) => select(url, r)),
          "reports/servicePrincipalSignInActivities",
        );
      }
      // The owning app of each credential, found once per request (a scaled tenant has 20,000 apps).
      const appOfKey = new Map<string, SimApplication>();
      for (const a of data.applications)
        for (const c of [...a.passwordCredentials, ...a.keyCredentials]) appOfKey.set(c.keyId, a);
      const rows = [...data.credentialSignIns].map(([keyId, at]) => {
        const app = appOfKey.get(keyId);
        return {
          id: Buffer.from(`${keyId}|application`).toString("base64"),
          keyId,
          appId: app?.appId,
          appObjectId: app?.id,
          credentialOrigin: "application",
          keyType: app?.passwordCredentials.some((c) => c.keyId === keyId) ? "clientSecret" : "certificate",
          signInActivity: { lastSignInDateTime: at, lastSignInRequestId: keyId },
        };
      });
      return page(
        url,
        rows.map((r) => select(url, r)),
        "reports/appCredentialSignInActivities",
      );
    }
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${path.split("/").pop() ?? ""}'.`,
    );
  }

  function handle(method: string, url: URL, headers: IncomingMessage["headers"], raw: string): TenantAnswer {
    const fault = faults.take(url.pathname);
    if (fault?.kind === "expire_tokens") for (const t of tokens.values()) t.expiresAt = 0;
    if (fault?.kind === "throttle") {
      return {
        ...graphError(429, "TooManyRequests", "Please retry again later."),
        headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) },
      };
    }
    if (fault?.kind === "status")
      return graphError(
        fault.status,
        fault.status >= 500 ? "UnknownError" : "BadRequest",
        "Simulated failure.",
      );
    if (fault?.kind === "html") {
      return {
        status: 200,
        headers: { "content-type": "text/html" },
        text: "<!DOCTYPE html><html><body>Sign in to your account</body></html>",
      };
    }
    if (fault?.kind === "malformed")
      return { status: 200, headers: { "content-type": "application/json" }, text: '{"value": [' };

    const tokenPath = method === "POST" ? TOKEN_PATH.exec(url.pathname) : null;
    if (tokenPath) return tokenRequest(tokenPath[1] ?? "", new URLSearchParams(raw));
    const openIdPath = method === "GET" ? OPENID_PATH.exec(url.pathname) : null;
    if (openIdPath) return openIdConfiguration(openIdPath[1] ?? "");
    if (method === "GET" && url.pathname === "/common/discovery/instance") {
      const host = new URL(base).host;
      return {
        status: 200,
        json: {
          tenant_discovery_endpoint: `${base}/${data.tenantId}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    }
    if (!/^\/(v1\.0|beta)\//.test(url.pathname)) return graphError(404, "NotFound", "No such route.");
    const auth = headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? tokens.get(auth.slice(7)) : undefined;
    if (!token)
      return graphError(
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
      );
    if (now().getTime() >= token.expiresAt) {
      return graphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
    }
    let body: unknown = null;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        return graphError(400, "BadRequest", "Unable to read JSON request payload.");
      }
    }
    return graph(method, url, token.client, body);
  }

  const server: Server = createServer(
    { cert: tls.cert, key: tls.key },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", base);
        const method = req.method ?? "GET";
        const answer = handle(method, url, req.headers, Buffer.concat(chunks).toString("utf8"));
        requests.push({
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          status: answer.status,
        });
        const text = answer.text ?? (answer.json === undefined ? "" : JSON.stringify(answer.json));
        const send = () => {
          res.writeHead(answer.status, {
            ...(answer.json !== undefined
              ? { "content-type": "application/json;odata.metadata=minimal;charset=utf-8" }
              : {}),
            ...answer.headers,
          });
          res.end(text);
        };
        if (faults.latencyMs > 0) setTimeout(send, faults.latencyMs);
        else send();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    ca: tls.ca,
    data,
    faults,
    requests,
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
