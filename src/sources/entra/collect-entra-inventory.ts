import type {
  BlindSpot,
  Credential,
  EntraOwner,
  Inventory,
  MachineIdentity,
  Owner,
} from "../../core/model.js";
import { readSignal } from "../servicenow/read-signal.js";
import type { CollectOptions } from "../source-connector.js";
import type { GraphClient } from "./graph-client.js";
import { GRAPH_APP_ID, GRAPH_PAGE_SIZE } from "./graph-constants.js";
import { GraphError } from "./graph-error.js";
import type {
  GraphApplication,
  GraphAppRole,
  GraphAppRoleAssignment,
  GraphCredentialSignIn,
  GraphDirectoryObject,
  GraphRoleAssignment,
  GraphRoleDefinition,
  GraphServicePrincipal,
  GraphServicePrincipalSignIn,
} from "./graph-types.js";
import { parseGraphDate } from "./parse-graph-date.js";

export interface EntraCollectSettings {
  tenantId: string;
  /** Source name the identities are stored under (default "entra"). */
  source: string;
  privilegedGraphPermissions: readonly string[];
  privilegedRoleTemplates: readonly string[];
}

/** The listings a scan makes: each is one paged request chain, never one request per app. */
export const ENTRA_PATHS = {
  applications: "/v1.0/applications",
  servicePrincipals: "/v1.0/servicePrincipals",
  graphServicePrincipal: `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')`,
  roleAssignments: "/v1.0/roleManagement/directory/roleAssignments",
  roleDefinitions: "/v1.0/roleManagement/directory/roleDefinitions",
  spSignIns: "/beta/reports/servicePrincipalSignInActivities",
  credentialSignIns: "/beta/reports/appCredentialSignInActivities",
} as const;

const top = String(GRAPH_PAGE_SIZE);
const OWNER_FIELDS = "id,displayName,mail,userPrincipalName,accountEnabled";
/** "$expand typically returns a maximum of 20 items" (https://learn.microsoft.com/en-us/graph/query-parameters#expand). */
const EXPAND_LIMIT = 20;

/**
 * Collects the tenant's machine identities: the service principal of every application the
 * tenant owns (appOwnerOrganizationId = the tenant; Microsoft's first-party apps and other
 * tenants' multi-tenant apps have their home tenant there and are left out), with the app
 * registration's credentials and owners, sign-in activity and privileges. At most eight request
 * chains whatever the tenant's size:
 *
 * 1. applications with credentials and `$expand=owners` (up to 20 owners per app, no per-app call;
 *    https://learn.microsoft.com/en-us/graph/query-parameters#expand); only an app with 20 or more
 *    owners gets its own paged /owners listing, since $expand cuts the list there;
 * 2. service principals (filtered here rather than by `$filter` on appOwnerOrganizationId, whose
 *    literal form for a Guid property is not documented);
 * 3. Graph's own service principal (its appRoles name the permissions) and one listing of its
 *    appRoleAssignedTo: every application permission on Graph in the tenant;
 * 4. role definitions and one listing of directory role assignments;
 * 5. the two beta sign-in activity reports (AuditLog.Read.All and an Entra ID P1/P2 licence), in
 *    pages of 999 (see listReport).
 *
 * The first two are required (without them there is no inventory); the others are signals: a
 * refusal (403, 400, 404) becomes a blind spot, as for ServiceNow's tables, never "no risk".
 */
export async function collectEntraInventory(
  graph: GraphClient,
  settings: EntraCollectSettings,
  options: CollectOptions,
): Promise<Inventory> {
  const blindSpots: BlindSpot[] = [];
  const progress = (phase: string, done?: number) =>
    options.onProgress?.(done === undefined ? { phase } : { phase, done });
  const requestsBefore = graph.requestCount;

  progress("entra applications");
  const applications = await graph.listAll<GraphApplication>(ENTRA_PATHS.applications, {
    $select: "id,appId,displayName,createdDateTime,signInAudience,passwordCredentials,keyCredentials",
    $expand: `owners($select=${OWNER_FIELDS})`,
    $top: top,
  });
  // $expand stops at 20 owners without a nextLink: only such apps get their full, paged list.
  for (const app of applications) {
    if ((app.owners?.length ?? 0) >= EXPAND_LIMIT) {
      app.owners = await graph.listAll<GraphDirectoryObject>(`${ENTRA_PATHS.applications}/${app.id}/owners`, {
        $select: OWNER_FIELDS,
        $top: top,
      });
    }
  }
  progress("entra service principals", applications.length);
  const servicePrincipals = await graph.listAll<GraphServicePrincipal>(ENTRA_PATHS.servicePrincipals, {
    $select: "id,appId,displayName,accountEnabled,appOwnerOrganizationId,servicePrincipalType",
    $top: top,
  });

  const appByAppId = new Map(applications.map((a) => [a.appId, a]));
  const tenant = settings.tenantId.toLowerCase();
  const own = servicePrincipals.filter(
    (sp) => sp.appOwnerOrganizationId?.toLowerCase() === tenant && appByAppId.has(sp.appId),
  );
  const ownIds = new Set(own.map((sp) => sp.id));

  progress("entra application permissions");
  const permissions = await readSignal(
    blindSpots,
    "app_permissions",
    ENTRA_PATHS.graphServicePrincipal,
    async () => {
      const graphSp = await graph.get<{ id: string; appRoles?: GraphAppRole[] | null }>(
        ENTRA_PATHS.graphServicePrincipal,
        {
          $select: "id,appRoles",
        },
      );
      const names = new Map((graphSp.appRoles ?? []).map((r) => [r.id, r.value ?? r.id]));
      const assignments = await graph.listAll<GraphAppRoleAssignment>(
        `/v1.0/servicePrincipals/${graphSp.id}/appRoleAssignedTo`,
        { $select: "principalId,appRoleId", $top: top },
      );
      const byPrincipal = new Map<string, string[]>();
      for (const a of assignments) {
        if (!ownIds.has(a.principalId)) continue;
        const list = byPrincipal.get(a.principalId) ?? [];
        list.push(names.get(a.appRoleId) ?? a.appRoleId);
        byPrincipal.set(a.principalId, list);
      }
      return byPrincipal;
    },
  );

  progress("entra directory roles");
  const roles = await readSignal(blindSpots, "directory_roles", ENTRA_PATHS.roleAssignments, async () => {
    const definitions = await graph.listAll<GraphRoleDefinition>(ENTRA_PATHS.roleDefinitions, {
      $select: "id,displayName,templateId",
    });
    const byId = new Map(definitions.map((d) => [d.id, d]));
    const assignments = await graph.listAll<GraphRoleAssignment>(ENTRA_PATHS.roleAssignments, {
      $select: "principalId,roleDefinitionId",
    });
    const byPrincipal = new Map<string, { name: string; templateId: string }[]>();
    for (const a of assignments) {
      if (!ownIds.has(a.principalId)) continue;
      const def = byId.get(a.roleDefinitionId);
      const list = byPrincipal.get(a.principalId) ?? [];
      list.push({
        name: def?.displayName ?? a.roleDefinitionId,
        templateId: def?.templateId ?? a.roleDefinitionId,
      });
      byPrincipal.set(a.principalId, list);
    }
    return byPrincipal;
  });

  progress("entra sign-ins");
  const spSignIns = await readSignal(blindSpots, "sign_ins", ENTRA_PATHS.spSignIns, async () => {
    const rows = await listReport<GraphServicePrincipalSignIn>(graph, ENTRA_PATHS.spSignIns);
    return new Map(rows.map((r) => [r.appId, r]));
  });
  const credentialSignIns = await readSignal(
    blindSpots,
    "credential_sign_ins",
    ENTRA_PATHS.credentialSignIns,
    async () => {
      const rows = await listReport<GraphCredentialSignIn>(graph, ENTRA_PATHS.credentialSignIns);
      const latest = new Map<string, Date>();
      for (const r of rows) {
        const at = parseGraphDate(r.signInActivity?.lastSignInDateTime);
        const prev = latest.get(r.keyId);
        if (at && (!prev || at > prev)) latest.set(r.keyId, at);
      }
      return latest;
    },
  );

  let ownersBlind = false;
  const identities: MachineIdentity[] = own.map((sp) => {
    const app = appByAppId.get(sp.appId) as GraphApplication;
    const owners = (app.owners ?? []).map(toOwner);
    // Users returned with neither name nor UPN mean warden may not read users (User.Read.All).
    if (
      owners.some(
        (o) => o.kind === "user" && o.userPrincipalName === undefined && o.displayName === undefined,
      )
    ) {
      ownersBlind = true;
    }
    const owner = pickOwner(owners);
    const credentials = toCredentials(app, credentialSignIns);
    const graphPermissions = permissions?.get(sp.id) ?? [];
    const directoryRoles = roles?.get(sp.id) ?? [];
    const signIn = spSignIns?.get(sp.appId);
    const lastSignInAt = parseGraphDate(signIn?.lastSignInActivity?.lastSignInDateTime);
    const lastAppOnlySignInAt = parseGraphDate(
      signIn?.applicationAuthenticationClientSignInActivity?.lastSignInDateTime,
    );
    const privilegedRoles = [
      ...graphPermissions.filter((p) => settings.privilegedGraphPermissions.includes(p)),
      ...directoryRoles
        .filter((r) => settings.privilegedRoleTemplates.includes(r.templateId))
        .map((r) => r.name),
    ];
    const name = sp.displayName ?? app.displayName ?? sp.appId;
    return {
      source: settings.source,
      id: sp.id,
      userName: name,
      name,
      active: sp.accountEnabled !== false,
      attributes: {
        kind: "entra",
        appId: sp.appId,
        applicationObjectId: app.id,
        servicePrincipalType: sp.servicePrincipalType ?? "Application",
        signInAudience: app.signInAudience ?? undefined,
        owners,
        lastSignInAt,
        lastAppOnlySignInAt,
        graphPermissions,
        directoryRoles: directoryRoles.map((r) => r.name),
      },
      createdAt: parseGraphDate(app.createdDateTime),
      lastLoginAt: lastSignInAt,
      roles: [...graphPermissions, ...directoryRoles.map((r) => r.name)],
      privilegedRoles,
      ownerRef: owners[0]?.id,
      owner,
      credentials,
      apiCalls30d: 0,
      uniqueApiCalls7d: [],
      discoveredBy: ["service_principal"],
    } satisfies MachineIdentity;
  });
  if (ownersBlind) {
    blindSpots.push({
      signal: "owners",
      table: ENTRA_PATHS.applications,
      reason:
        "Graph returned application owners without names or mail: grant warden's app registration User.Read.All.",
    });
  }
  progress("entra done", identities.length);
  return {
    source: settings.source,
    collectedAt: options.now,
    identities,
    blindSpots,
    coverage: {},
    requests: graph.requestCount - requestsBefore,
  };
}

/**
 * A sign-in activity report in pages of 999. The reports support `$top` but document no maximum
 * (https://learn.microsoft.com/en-us/graph/api/reportroot-list-serviceprincipalsigninactivities?view=graph-rest-beta),
 * and at Graph's default page of 100 they cost ten times the requests of every other listing
 * (16,000 sign-ins: 160 requests instead of 17). A report that refuses the page size (400) is read
 * again at its default size, so an undocumented limit costs one request, never the signal.
 */
async function listReport<T>(graph: GraphClient, path: string): Promise<T[]> {
  try {
    return await graph.listAll<T>(path, { $top: top });
  } catch (error) {
    if (error instanceof GraphError && error.code === "E_SOURCE_BAD_REQUEST") return graph.listAll<T>(path);
    throw error;
  }
}

const OWNER_KINDS: Record<string, EntraOwner["kind"]> = {
  "#microsoft.graph.user": "user",
  "#microsoft.graph.servicePrincipal": "servicePrincipal",
  "#microsoft.graph.group": "group",
};

function toOwner(o: GraphDirectoryObject): EntraOwner {
  const kind = OWNER_KINDS[o["@odata.type"] ?? ""] ?? "other";
  return {
    id: o.id,
    kind,
    displayName: o.displayName ?? undefined,
    mail: o.mail ?? undefined,
    userPrincipalName: o.userPrincipalName ?? undefined,
    enabled: kind === "user" && typeof o.accountEnabled === "boolean" ? o.accountEnabled : undefined,
  };
}

/** The owner warden messages: the first enabled user with a mail, else the first user (model.ts). */
function pickOwner(owners: EntraOwner[]): Owner | undefined {
  const users = owners.filter((o) => o.kind === "user");
  const chosen = users.find((o) => o.enabled === true && o.mail !== undefined) ?? users[0];
  if (!chosen) return undefined;
  return {
    id: chosen.id,
    userName: chosen.userPrincipalName ?? chosen.id,
    name: chosen.displayName ?? chosen.userPrincipalName ?? chosen.id,
    email: chosen.mail,
    active: chosen.enabled === true,
    directoryId: chosen.id,
  };
}

function toCredentials(app: GraphApplication, lastUse: Map<string, Date> | undefined): Credential[] {
  const secrets = (app.passwordCredentials ?? []).map(
    (p): Credential => ({
      id: p.keyId,
      type: "secret",
      name: p.displayName ?? undefined,
      createdAt: parseGraphDate(p.startDateTime),
      expiresAt: parseGraphDate(p.endDateTime),
      hint: p.hint ?? undefined,
      lastUsedAt: lastUse?.get(p.keyId),
    }),
  );
  const certs = (app.keyCredentials ?? []).map(
    (k): Credential => ({
      id: k.keyId,
      type: "certificate",
      name: k.displayName ?? undefined,
      createdAt: parseGraphDate(k.startDateTime),
      expiresAt: parseGraphDate(k.endDateTime),
      lastUsedAt: lastUse?.get(k.keyId),
    }),
  );
  return [...secrets, ...certs];
}
