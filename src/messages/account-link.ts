import type { MachineIdentity } from "../core/model.js";

/** Where an owner opens the account in its own console, to check it before deciding. */
export interface AccountLink {
  title: string;
  /** An https URL whose ids are percent-encoded: it carries no markup of any platform. */
  url: string;
}

/**
 * "Open in Entra admin center" for an Entra service principal: the Enterprise application's
 * overview blade, addressed by the service principal's object id and the app id (the form the
 * admin center itself links to). ServiceNow's needs the instance's origin: linkFor.
 */
export function accountLink(identity: Pick<MachineIdentity, "id" | "attributes">): AccountLink | undefined {
  if (identity.attributes.kind !== "entra") return undefined;
  const objectId = encodeURIComponent(identity.id);
  const appId = encodeURIComponent(identity.attributes.appId);
  return {
    title: "Open in Entra admin center",
    url: `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${objectId}/appId/${appId}`,
  };
}

/**
 * "Open in ServiceNow": the account's sys_user record in the instance's own navigation frame,
 * on `origin` (the instance's origin as recorded from SERVICENOW_URL: scheme, host, port only).
 */
export function serviceNowLink(origin: string, sysId: string): AccountLink {
  const uri = encodeURIComponent(`sys_user.do?sys_id=${sysId}`);
  return { title: "Open in ServiceNow", url: `${new URL(origin).origin}/nav_to.do?uri=${uri}` };
}

/** The link for any account: Entra's from the identity, ServiceNow's when the instance is known. */
export function linkFor(
  identity: Pick<MachineIdentity, "id" | "attributes">,
  servicenowOrigin: string | undefined,
): AccountLink | undefined {
  if (identity.attributes.kind === "servicenow") {
    return servicenowOrigin === undefined ? undefined : serviceNowLink(servicenowOrigin, identity.id);
  }
  return accountLink(identity);
}
