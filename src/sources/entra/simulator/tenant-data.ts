/** The data of a simulated Entra tenant, in Graph's own shapes (field names as Graph spells them). */

export interface SimPasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string;
  endDateTime: string;
  /** The secret itself: only the token endpoint reads it; Graph never returns it. */
  secretText?: string;
}

export interface SimKeyCredential {
  keyId: string;
  displayName: string | null;
  type: "AsymmetricX509Cert" | "Symmetric";
  usage: "Verify" | "Sign";
  startDateTime: string;
  endDateTime: string;
  /** The certificate's public data (Base64); Graph returns it only for a single app's $select. */
  key: string;
}

export interface SimApplication {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  signInAudience: string;
  passwordCredentials: SimPasswordCredential[];
  keyCredentials: SimKeyCredential[];
  /** Directory object ids of the owners (users, service principals, groups). */
  ownerIds: string[];
}

export interface SimServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  appOwnerOrganizationId: string;
  servicePrincipalType: string;
  appRoles?: {
    id: string;
    value: string;
    allowedMemberTypes: string[];
    displayName: string;
    isEnabled: boolean;
  }[];
}

export interface SimUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
}

export interface SimGroup {
  id: string;
  displayName: string;
}

export interface SimAppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: "ServicePrincipal" | "User" | "Group";
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

export interface SimRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface SimRoleDefinition {
  id: string;
  templateId: string;
  displayName: string;
  isBuiltIn: boolean;
}

/** An app registration that can sign in to the simulated tenant (warden's own, in tests). */
export interface SimClient {
  clientId: string;
  secret: string;
  /** Application permissions its tokens carry (the `roles` claim), e.g. "Application.Read.All". */
  roles: string[];
}

export interface TenantData {
  tenantId: string;
  /** The clock the data was generated against. */
  now: Date;
  applications: SimApplication[];
  /** Every service principal in the tenant: its own apps', Microsoft's and other tenants'. */
  servicePrincipals: SimServicePrincipal[];
  users: SimUser[];
  groups: SimGroup[];
  /** Assignments of Microsoft Graph's app roles (application permissions). */
  graphAppRoleAssignments: SimAppRoleAssignment[];
  roleAssignments: SimRoleAssignment[];
  roleDefinitions: SimRoleDefinition[];
  /** Last sign-ins by appId (the servicePrincipalSignInActivities report). */
  spSignIns: Map<string, { lastSignInDateTime: string; appOnlyClientDateTime?: string }>;
  /** Last use by credential keyId (the appCredentialSignInActivities report). */
  credentialSignIns: Map<string, string>;
  clients: SimClient[];
}
