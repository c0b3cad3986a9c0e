/** The Graph JSON warden reads, as far as it reads it (only what $select asks for). */

export interface GraphPasswordCredential {
  keyId: string;
  displayName?: string | null;
  hint?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
}

export interface GraphKeyCredential {
  keyId: string;
  displayName?: string | null;
  type?: string | null;
  usage?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  customKeyIdentifier?: string | null;
  /**
   * The certificate's public data (Base64): only a single application read with
   * `$select=keyCredentials` returns it, lists answer null
   * (https://learn.microsoft.com/en-us/graph/api/resources/keycredential).
   */
  key?: string | null;
}

export interface GraphDirectoryObject {
  "@odata.type"?: string;
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName?: string | null;
  createdDateTime?: string | null;
  signInAudience?: string | null;
  passwordCredentials?: GraphPasswordCredential[] | null;
  keyCredentials?: GraphKeyCredential[] | null;
  owners?: GraphDirectoryObject[] | null;
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName?: string | null;
  accountEnabled?: boolean | null;
  appOwnerOrganizationId?: string | null;
  servicePrincipalType?: string | null;
}

export interface GraphAppRole {
  id: string;
  value?: string | null;
}

export interface GraphAppRoleAssignment {
  principalId: string;
  appRoleId: string;
}

export interface GraphRoleAssignment {
  principalId: string;
  roleDefinitionId: string;
}

export interface GraphRoleDefinition {
  id: string;
  displayName?: string | null;
  templateId?: string | null;
}

export interface GraphSignInActivity {
  lastSignInDateTime?: string | null;
}

export interface GraphServicePrincipalSignIn {
  appId: string;
  lastSignInActivity?: GraphSignInActivity | null;
  applicationAuthenticationClientSignInActivity?: GraphSignInActivity | null;
}

export interface GraphCredentialSignIn {
  keyId: string;
  signInActivity?: GraphSignInActivity | null;
}
