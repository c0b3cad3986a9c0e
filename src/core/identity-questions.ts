import type { MachineIdentity } from "./model.js";

/**
 * The neutral questions rules and views ask about an identity, answered from what its kind of
 * source records. A source with no notion of a question answers it the safe way for the rules:
 * an account no source-specific attribute stops stays able to authenticate, and an account with
 * no interactive login (an Entra service principal) never "can log into the UI".
 */

/** True when the account can still authenticate: disabled and locked-out accounts carry no risk. */
export function canAuthenticate(identity: Pick<MachineIdentity, "active" | "attributes">): boolean {
  if (!identity.active) return false;
  switch (identity.attributes.kind) {
    case "servicenow":
      return !identity.attributes.lockedOut;
    case "entra":
      // accountEnabled false "prevents all tokens from being issued for that application"
      // (https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/disable-user-sign-in-portal).
      return true;
  }
}

/** True when the account may log into the source's UI as well as call APIs. */
export function canLogIntoUi(identity: Pick<MachineIdentity, "attributes">): boolean {
  switch (identity.attributes.kind) {
    case "servicenow":
      // Web Service Access Only: "can't log in to the ServiceNow UI"
      // (https://www.servicenow.com/docs/r/zurich/platform-administration/user-administration/c_NonInteractiveSessions.html).
      return !identity.attributes.webServiceAccessOnly;
    case "entra":
      // A service principal has no interactive login of its own.
      return false;
  }
}

/**
 * True when the identity's kind of source has interactive (UI) logins at all, so rules about
 * them make sense: ServiceNow records UI logins, an Entra service principal has none.
 */
export function sourceHasUiLogins(identity: Pick<MachineIdentity, "attributes">): boolean {
  switch (identity.attributes.kind) {
    case "servicenow":
      return true;
    case "entra":
      return false;
  }
}

/** An account's state in words, the same on every surface: ["active", "web service access only"]. */
export function describeState(identity: Pick<MachineIdentity, "active" | "attributes">): string[] {
  const words = [identity.active ? "active" : "inactive"];
  switch (identity.attributes.kind) {
    case "servicenow":
      if (identity.attributes.lockedOut) words.push("locked out");
      words.push(identity.attributes.webServiceAccessOnly ? "web service access only" : "UI login allowed");
      break;
    case "entra":
      if (identity.attributes.servicePrincipalType !== "Application") {
        words.push(
          identity.attributes.servicePrincipalType.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase(),
        );
      }
  }
  return words;
}
