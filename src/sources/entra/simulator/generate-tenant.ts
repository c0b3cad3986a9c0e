import type { EntraConfig } from "../../../config/load-config.js";
import { createPrng, type Prng } from "../../servicenow/simulator/prng.js";
import { GRAPH_APP_ID, MICROSOFT_TENANT_ID } from "../graph-constants.js";
import type {
  SimApplication,
  SimPasswordCredential,
  SimRoleDefinition,
  SimServicePrincipal,
  SimUser,
  TenantData,
} from "./tenant-data.js";

/** The demo tenant's id, and warden's own app registration in it. */
export const DEMO_TENANT_ID = "7d3f6c2a-1b4e-4f8a-9c0d-2e5b6a7c8d9e";
export const DEMO_CLIENT_ID = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b";
export const DEMO_CLIENT_SECRET = "wdn~demo-entra-secret-value";
/** Read-only scanning permissions (reference: what each listing needs). */
/** The sign-in of warden's demo app registration on a simulated tenant at `url` (authority and Graph). */
export function demoEntraConfig(url: string): EntraConfig {
  return {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    authorityHost: url,
    graphUrl: url,
  };
}

export const READ_ONLY_ROLES = [
  "Application.Read.All",
  "User.Read.All",
  "RoleManagement.Read.Directory",
  "AuditLog.Read.All",
];
/** A tenant of someone else, whose multi-tenant app is consented here. */
export const OTHER_TENANT_ID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

/** Microsoft Graph app roles the demo uses (ids as Graph publishes them; reference 3.6, 3.8, 7). */
export const GRAPH_APP_ROLES: Record<string, string> = {
  "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
  "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
  "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
  "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
  "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
  "RoleManagement.ReadWrite.Directory": "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
  "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
  "RoleManagement.Read.Directory": "483bed4a-2ad3-4361-a73b-c83ccdbdc53c",
  "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da",
  "Mail.Read": "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
};

const ROLE_DEFINITIONS: SimRoleDefinition[] = [
  ["62e90394-69f5-4237-9190-012177145e10", "Global Administrator"],
  ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"],
  ["158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"],
  ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"],
].map(([id, displayName]) => ({
  id: id as string,
  templateId: id as string,
  displayName: displayName as string,
  isBuiltIn: true,
}));

export interface GenerateTenantOptions {
  now: Date;
  seed?: number;
  /** Extra filler apps for the bench (the scaled mode: 20 000). Default 0. */
  scaledApps?: number;
}

const DAY = 86_400_000;

function guid(prng: Prng): string {
  const h = prng.sysId();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Generates a tenant covering every Entra rule of the contract, deterministic for a seed. The named
 * apps below are what tests and the demo look at; `scaledApps` adds unremarkable ones for the bench.
 */
export function generateTenant(options: GenerateTenantOptions): TenantData {
  const prng = createPrng(options.seed ?? 1);
  const now = options.now.getTime();
  const iso = (offsetDays: number) => new Date(now + offsetDays * DAY).toISOString();
  const data: TenantData = {
    tenantId: DEMO_TENANT_ID,
    now: options.now,
    applications: [],
    servicePrincipals: [],
    users: [],
    groups: [],
    graphAppRoleAssignments: [],
    roleAssignments: [],
    roleDefinitions: ROLE_DEFINITIONS,
    spSignIns: new Map(),
    credentialSignIns: new Map(),
    clients: [{ clientId: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET, roles: [...READ_ONLY_ROLES] }],
  };

  const user = (name: string, mail: string | null, enabled = true): SimUser => {
    const u: SimUser = {
      id: guid(prng),
      displayName: name,
      mail,
      userPrincipalName: mail ?? `${name.toLowerCase().replace(/\W+/g, ".")}@demo.onmicrosoft.com`,
      accountEnabled: enabled,
    };
    data.users.push(u);
    return u;
  };
  const alice = user("Alice Ng", "alice@example.com");
  const bob = user("Bob Stone", "bob@example.com");
  const leaver = user("Carol Left", "carol@example.com", false);
  const noMail = user("Dan NoMail", null);
  const platformGroup = { id: guid(prng), displayName: "Platform team" };
  data.groups.push(platformGroup);

  const graphSp: SimServicePrincipal = {
    id: guid(prng),
    appId: GRAPH_APP_ID,
    displayName: "Microsoft Graph",
    accountEnabled: true,
    appOwnerOrganizationId: MICROSOFT_TENANT_ID,
    servicePrincipalType: "Application",
    appRoles: Object.entries(GRAPH_APP_ROLES).map(([value, id]) => ({
      id,
      value,
      displayName: value,
      allowedMemberTypes: ["Application"],
      isEnabled: true,
    })),
  };
  data.servicePrincipals.push(graphSp);
  data.servicePrincipals.push({
    id: guid(prng),
    appId: "00000002-0000-0ff1-ce00-000000000000",
    displayName: "Office 365 Exchange Online",
    accountEnabled: true,
    appOwnerOrganizationId: MICROSOFT_TENANT_ID,
    servicePrincipalType: "Application",
  });
  data.servicePrincipals.push({
    id: guid(prng),
    appId: guid(prng),
    displayName: "Contoso CRM connector",
    accountEnabled: true,
    appOwnerOrganizationId: OTHER_TENANT_ID,
    servicePrincipalType: "Application",
  });

  const secret = (startDays: number, endDays: number, name = "ci"): SimPasswordCredential => ({
    keyId: guid(prng),
    displayName: name,
    hint: `${name.slice(0, 1)}${prng.int(10, 99)}`,
    startDateTime: iso(startDays),
    endDateTime: iso(endDays),
    secretText: `s3cr3t-${prng.sysId()}`,
  });

  interface AppSpec {
    name: string;
    owners?: string[];
    secrets?: SimPasswordCredential[];
    certs?: { startDays: number; endDays: number }[];
    signInDaysAgo?: number;
    createdDaysAgo?: number;
    enabled?: boolean;
    graph?: string[];
    roles?: string[];
    noServicePrincipal?: boolean;
    appId?: string;
  }
  const app = (spec: AppSpec): { app: SimApplication; sp: SimServicePrincipal | undefined } => {
    const appId = spec.appId ?? guid(prng);
    const application: SimApplication = {
      id: guid(prng),
      appId,
      displayName: spec.name,
      createdDateTime: iso(-(spec.createdDaysAgo ?? 400)),
      signInAudience: "AzureADMyOrg",
      passwordCredentials: spec.secrets ?? [],
      keyCredentials: (spec.certs ?? []).map((c) => {
        const keyId = guid(prng);
        return {
          keyId,
          displayName: `CN=${spec.name.replace(/[^\w.-]/g, "")}`,
          type: "AsymmetricX509Cert",
          usage: "Verify",
          startDateTime: iso(c.startDays),
          endDateTime: iso(c.endDays),
          // Stands in for the DER certificate: public data, not a secret.
          key: Buffer.from(`certificate ${keyId}`).toString("base64"),
        };
      }),
      ownerIds: spec.owners ?? [],
    };
    data.applications.push(application);
    if (spec.noServicePrincipal) return { app: application, sp: undefined };
    const sp: SimServicePrincipal = {
      id: guid(prng),
      appId,
      displayName: spec.name,
      accountEnabled: spec.enabled ?? true,
      appOwnerOrganizationId: DEMO_TENANT_ID,
      servicePrincipalType: "Application",
    };
    data.servicePrincipals.push(sp);
    if (spec.signInDaysAgo !== undefined) {
      const at = iso(-spec.signInDaysAgo);
      data.spSignIns.set(appId, { lastSignInDateTime: at, appOnlyClientDateTime: at });
      const first = application.passwordCredentials[0] ?? application.keyCredentials[0];
      if (first) data.credentialSignIns.set(first.keyId, at);
    }
    for (const permission of spec.graph ?? []) {
      const appRoleId = GRAPH_APP_ROLES[permission];
      if (!appRoleId) throw new Error(`unknown Graph permission ${permission}`);
      data.graphAppRoleAssignments.push({
        id: prng.sysId(),
        appRoleId,
        principalId: sp.id,
        principalType: "ServicePrincipal",
        principalDisplayName: sp.displayName,
        resourceId: graphSp.id,
        resourceDisplayName: "Microsoft Graph",
        createdDateTime: iso(-100),
      });
    }
    for (const role of spec.roles ?? []) {
      const def = ROLE_DEFINITIONS.find((d) => d.displayName === role);
      if (!def) throw new Error(`unknown role ${role}`);
      data.roleAssignments.push({
        id: prng.sysId(),
        principalId: sp.id,
        roleDefinitionId: def.id,
        directoryScopeId: "/",
      });
    }
    return { app: application, sp };
  };

  app({
    name: "warden",
    appId: DEMO_CLIENT_ID,
    owners: [alice.id],
    secrets: [secret(-10, 150, "warden")],
    signInDaysAgo: 0,
    graph: READ_ONLY_ROLES,
  });
  app({
    name: "payroll-sync",
    owners: [alice.id, bob.id],
    secrets: [secret(-30, 120)],
    signInDaysAgo: 1,
    graph: ["User.Read.All"],
  });
  app({ name: "legacy-reporting", owners: [bob.id], secrets: [secret(-200, 100)], signInDaysAgo: 200 });
  app({
    name: "never-used",
    owners: [bob.id],
    certs: [{ startDays: -300, endDays: 400 }],
    createdDaysAgo: 300,
  });
  app({
    name: "cert-expiring",
    owners: [alice.id],
    certs: [{ startDays: -355, endDays: 10 }],
    signInDaysAgo: 2,
  });
  app({
    name: "secret-expired",
    owners: [alice.id],
    secrets: [secret(-200, -20, "old"), secret(-19, 150, "new")],
    signInDaysAgo: 3,
  });
  app({ name: "forever-secret", owners: [bob.id], secrets: [secret(-30, 700, "forever")], signInDaysAgo: 5 });
  app({ name: "orphan-app", secrets: [secret(-10, 100)], signInDaysAgo: 4 });
  app({ name: "leaver-app", owners: [leaver.id, noMail.id], secrets: [secret(-10, 100)], signInDaysAgo: 4 });
  const botOwner = app({
    name: "deploy-bot",
    owners: [alice.id],
    secrets: [secret(-10, 100)],
    signInDaysAgo: 0,
  });
  app({
    name: "group-owned-app",
    owners: [platformGroup.id, botOwner.sp?.id ?? ""],
    secrets: [secret(-10, 100)],
    signInDaysAgo: 6,
  });
  app({
    name: "tenant-admin-bot",
    owners: [bob.id],
    secrets: [secret(-10, 100)],
    signInDaysAgo: 1,
    graph: ["Application.ReadWrite.All", "Mail.Read"],
    roles: ["Global Administrator"],
  });
  app({
    name: "many-secrets",
    owners: [alice.id],
    secrets: Array.from({ length: 30 }, (_, i) => secret(-20 - i, 60 + i, `rot-${i}`)),
    certs: Array.from({ length: 6 }, (_, i) => ({ startDays: -10 - i, endDays: 200 + i })),
    signInDaysAgo: 1,
  });
  app({
    name: "*urgent* <!channel> <@U0ADMIN> [click](https://evil.example) _x_ `y` ~z~",
    owners: [bob.id],
    secrets: [secret(-10, 100)],
    signInDaysAgo: 2,
  });
  // 24 disabled owners first: the one enabled owner is beyond $expand's 20.
  const crowd = Array.from({ length: 24 }, (_, i) => user(`Former ${i}`, `former${i}@example.com`, false).id);
  app({ name: "crowded-owners", owners: [...crowd, bob.id], secrets: [secret(-10, 100)], signInDaysAgo: 1 });
  app({
    name: "retired-app",
    owners: [bob.id],
    secrets: [secret(-300, -100)],
    enabled: false,
    signInDaysAgo: 250,
  });
  app({ name: "draft-without-sp", owners: [alice.id], noServicePrincipal: true });

  for (let i = 0; i < (options.scaledApps ?? 0); i++) {
    const owner = prng.pick([alice, bob, leaver]);
    const startDays = -prng.int(1, 700);
    app({
      name: `svc-${String(i).padStart(5, "0")}`,
      owners: prng.chance(0.9) ? [owner.id] : [],
      secrets: [secret(startDays, startDays + prng.int(30, 800))],
      ...(prng.chance(0.8) ? { signInDaysAgo: prng.int(0, 300) } : {}),
      createdDaysAgo: -startDays + 1,
      ...(prng.chance(0.05) ? { graph: ["Directory.ReadWrite.All"] } : {}),
    });
  }
  // After the filler, so the apps above (and the bench's) are generated as they always were.
  // A secret about to expire with its successor already in place (credential_expiring, medium).
  app({
    name: "secret-rotating",
    owners: [alice.id],
    secrets: [secret(-170, 5, "current"), secret(-2, 150, "next")],
    signInDaysAgo: 0,
  });
  // Dozens of credentials, 14 of them expired (credential_expired names each).
  app({
    name: "expired-pile",
    owners: [bob.id],
    secrets: [
      ...Array.from({ length: 12 }, (_, i) => secret(-100 - i, -1 - i, `old-${i}`)),
      ...Array.from({ length: 12 }, (_, i) => secret(-5, 100 + i, `live-${i}`)),
    ],
    certs: [
      { startDays: -400, endDays: -30 },
      { startDays: -400, endDays: -60 },
      { startDays: -10, endDays: 300 },
    ],
    signInDaysAgo: 1,
  });
  // Privileged by a directory role alone (privileged; undecided when roles cannot be read).
  app({
    name: "app-admin-role",
    owners: [alice.id],
    secrets: [secret(-10, 100)],
    signInDaysAgo: 3,
    roles: ["Cloud Application Administrator"],
  });
  // Created ten days ago and never used: too young to be dormant.
  app({ name: "fresh-app", owners: [bob.id], secrets: [secret(-10, 170)], createdDaysAgo: 10 });
  return data;
}
