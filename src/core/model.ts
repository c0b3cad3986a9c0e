/**
 * The platform- and source-neutral domain model. Sources produce `MachineIdentity` records,
 * the rules turn them into `Finding`s, the score summarises them, the chat adapters render them.
 * Dates are `Date` objects in memory and ISO-8601 UTC strings in the store.
 */

import type { Remediation, RuleName } from "./rules/rule-registry.js";

/**
 * The risk rules are declared one per file in rules/ and listed in rules/rule-registry.ts; their
 * names are stable (they appear in JSON and chat).
 */
export { type Remediation, RULE_NAMES, type RuleName } from "./rules/rule-registry.js";

export type Severity = "critical" | "high" | "medium" | "low";

/**
 * A signal a source may or may not expose. When the instance hides one (table missing, ACL),
 * it becomes a `BlindSpot` and the rules that need it do not fire, nor resolve earlier findings.
 */
export const SIGNALS = [
  "api_calls",
  "ui_logins",
  "auth_methods",
  "oauth_tokens",
  "roles",
  "unique_api_calls",
  "owners",
  // Entra ID: the sign-in activity reports (they need an Entra ID P1/P2 licence and AuditLog.Read.All),
  // Microsoft Graph application permissions (app role assignments) and directory role assignments.
  "sign_ins",
  "credential_sign_ins",
  "app_permissions",
  "directory_roles",
] as const;
export type Signal = (typeof SIGNALS)[number];

export interface BlindSpot {
  signal: Signal;
  /** The table (or API) that could not be read. */
  table: string;
  /** Why, in words an operator can act on (e.g. "403: role user_login_history_viewer missing"). */
  reason: string;
}

/** The person responsible for a machine identity, as resolved from the source. */
export interface Owner {
  id: string;
  userName: string;
  name: string;
  email?: string | undefined;
  active: boolean;
  /**
   * The owner's Entra ID object id, where the source knows it (an Entra app's owners): Teams
   * messages a user by it (Bot Framework's aadObjectId), with no roster lookup by email.
   */
  directoryId?: string | undefined;
}

/** One unique API call: method and path template, e.g. GET /api/now/table/incident/{sys_id}. */
export interface ApiCall {
  method: string;
  path: string;
  count: number;
}

/** How many API calls (or sightings, where only those are known) used each authentication method. */
export interface AuthMethodCounts {
  basic: number;
  oauth: number;
  other: number;
}

/**
 * Why an account counts as a machine identity: it is web-service-only (`wsao`), or some signal shows
 * it using APIs: REST transactions (`api_activity`), a Basic-auth usage record (`basic_auth`), OAuth
 * tokens issued to it (`oauth_tokens`). An account may have several. An Entra identity is one by
 * being the service principal of an application the tenant owns (`service_principal`).
 */
export type DiscoveryReason = "wsao" | "api_activity" | "basic_auth" | "oauth_tokens" | "service_principal";

/**
 * What only ServiceNow records about an account. Rules and views do not read these fields
 * directly but ask the neutral questions of identity-questions.ts ("can it log into the UI?").
 */
export interface ServiceNowAttributes {
  kind: "servicenow";
  /** `locked_out`: the account cannot log in at all, whatever `active` says. */
  lockedOut: boolean;
  /** `web_service_access_only`: the account cannot log into the UI, only call APIs. */
  webServiceAccessOnly: boolean;
}

/**
 * One owner of an Entra application. Owners are users, or other directory objects (service
 * principals, groups) that warden cannot message: those are kept with `kind` so views can say so.
 */
export interface EntraOwner {
  /** Directory object id (for a user, the Entra object id Teams messages by). */
  id: string;
  kind: "user" | "servicePrincipal" | "group" | "other";
  displayName?: string | undefined;
  mail?: string | undefined;
  userPrincipalName?: string | undefined;
  /** For a user: accountEnabled (undefined when Graph did not return it). */
  enabled?: boolean | undefined;
}

/**
 * What only Entra ID records about a service principal of an application the tenant owns. The
 * identity's `id` is the service principal's object id; `active` is its accountEnabled.
 */
export interface EntraAttributes {
  kind: "entra";
  /** Application (client) id, shared by the app registration and its service principal. */
  appId: string;
  /** Object id of the app registration (the credentials' and owners' home). */
  applicationObjectId: string;
  /** servicePrincipalType: Application, ManagedIdentity, Legacy, SocialIdp. */
  servicePrincipalType: string;
  signInAudience?: string | undefined;
  /** Every owner of the app registration, users and others, in Graph's order (at most 20 per app, see collect). */
  owners: EntraOwner[];
  /** Latest sign-in in any flow (report lastSignInActivity); undefined when none or the signal is blind. */
  lastSignInAt?: Date | undefined;
  /** Latest app-only sign-in as a client (the client-credentials flow a machine identity uses). */
  lastAppOnlySignInAt?: Date | undefined;
  /** Microsoft Graph application permissions granted to it (app role values, e.g. "User.Read.All"). */
  graphPermissions: string[];
  /** Directory roles assigned to it (role display names, e.g. "Global Administrator"). */
  directoryRoles: string[];
}

/** Source-specific attributes, by kind of source (not by source name: two instances share a kind). */
export type SourceAttributes = ServiceNowAttributes | EntraAttributes;

/**
 * A secret or certificate the identity authenticates with, where the source lists them (Entra
 * applications do; ServiceNow holds passwords it never shows, so its identities list none).
 */
export interface Credential {
  /** The source's id of the credential (Entra keyId). */
  id: string;
  type: "secret" | "certificate";
  name?: string | undefined;
  createdAt?: Date | undefined;
  expiresAt?: Date | undefined;
  /** First characters of a secret as the source shows them (Entra `hint`); never the secret. */
  hint?: string | undefined;
  /** Latest sign-in with this credential (Entra appCredentialSignInActivities), where known. */
  lastUsedAt?: Date | undefined;
}

/**
 * One machine identity with every signal gathered for it in one scan. What every source has is
 * here (id, names, state, owner, activity, credentials, privileges); what only one source has
 * is in `attributes`.
 */
export interface MachineIdentity {
  /** The source name its connector is registered under, e.g. "servicenow". */
  source: string;
  /** Stable id in the source (ServiceNow sys_id). */
  id: string;
  userName: string;
  name: string;
  email?: string | undefined;
  /** Enabled in the source (ServiceNow `active`); see canAuthenticate for "can it still log in". */
  active: boolean;
  /** What only this kind of source records; read through identity-questions.ts. */
  attributes: SourceAttributes;
  createdAt?: Date | undefined;
  /** `last_login_time` as the source records it (often empty for API-only accounts). */
  lastLoginAt?: Date | undefined;
  /**
   * All privileges held (ServiceNow roles, inherited ones included); empty when the roles signal
   * is blind.
   */
  roles: string[];
  /** The subset of `roles` that counts as privileged. */
  privilegedRoles: string[];
  /** Raw owner reference (e.g. the manager's sys_id), even when it cannot be resolved. */
  ownerRef?: string | undefined;
  /**
   * The owner warden messages. A source with several owners per identity gives the first
   * enabled one with an email here (or the first one, when none is), so no_owner reads the same.
   */
  owner?: Owner | undefined;
  /** Secrets and certificates, where the source lists them; undefined where it does not. */
  credentials?: Credential[] | undefined;
  /** REST calls in the last 30 days. */
  apiCalls30d: number;
  /** Latest REST call the source still logs (its retention is limited, see Inventory.coverage). */
  lastApiCallAt?: Date | undefined;
  /** Interactive (UI) logins in the last 30 days; undefined when that signal is blind. */
  uiLogins30d?: number | undefined;
  lastUiLoginAt?: Date | undefined;
  /** Unique API calls of the last 7 days, most frequent first. */
  uniqueApiCalls7d: ApiCall[];
  /** Authentication methods seen in the last 30 days; undefined when that signal is blind. */
  authMethods30d?: AuthMethodCounts | undefined;
  /** When Basic auth was last seen for this account, where the source records it. */
  lastBasicAuthAt?: Date | undefined;
  /** OAuth tokens issued to the account in the last 30 days; undefined when that signal is blind. */
  oauthTokens30d?: number | undefined;
  /** The latest OAuth token the source still holds for the account (it drops expired ones). */
  lastOAuthTokenAt?: Date | undefined;
  discoveredBy: DiscoveryReason[];
}

/** Everything one source returned in one scan. */
export interface Inventory {
  source: string;
  collectedAt: Date;
  identities: MachineIdentity[];
  blindSpots: BlindSpot[];
  coverage: {
    /** Oldest API transaction the source still holds (how far back API evidence reaches). */
    apiLogSince?: Date | undefined;
    /** Oldest UI login record the source still holds. */
    uiLoginLogSince?: Date | undefined;
    /** Oldest OAuth token the source still holds (expired ones are cleaned up). */
    oauthTokensSince?: Date | undefined;
  };
  /** HTTP requests made to collect it. */
  requests: number;
}

/** A fact a finding rests on, in words, with how far back it reaches. */
export interface Evidence {
  /** The signal it came from; "credentials" for an application's own secrets and certificates. */
  signal: Signal | "state" | "history" | "credentials";
  detail: string;
  /** The start of the period this evidence covers, where it is bounded. */
  since?: Date | undefined;
}

/**
 * What a rule found about one identity. The type parameters default to the registered rules; an
 * assessment run with other rules (a test's) finds theirs.
 */
export interface Finding<Rule extends string = RuleName, Fix extends string = Remediation> {
  rule: Rule;
  severity: Severity;
  /** One line, e.g. "No API call or UI login for 142 days". */
  summary: string;
  evidence: Evidence[];
  remediation: Fix;
}

/** Warden's own memory of when it last saw an account active (the source forgets after ~8 weeks). */
export interface ActivityHistory {
  /** When warden first saw the account at all. */
  firstObservedAt: Date;
  /** Latest activity in any signal (API calls, logins, Basic auth, OAuth tokens) warden has ever observed. */
  lastActiveAt?: Date | undefined;
}

/**
 * The fields of an account that remediation reads and writes, under the names warden records them
 * by (decisions keep them before and after a write; ServiceNow's are `active`, `lockedOut` and
 * `webServiceAccessOnly`). Which fields exist is the source connector's business.
 */
export type AccountValues = Readonly<Record<string, boolean | string | null>>;
