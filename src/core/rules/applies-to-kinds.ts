import type { MachineIdentity, SourceAttributes } from "../model.js";

/**
 * A rule's `appliesTo` for the kinds of source whose accounts it is about: rules of one source
 * never fire on another's accounts (a ServiceNow Basic-auth record means nothing for an Entra
 * service principal, an Entra client secret nothing for a ServiceNow user).
 */
export function appliesToKinds(
  ...kinds: SourceAttributes["kind"][]
): (identity: Pick<MachineIdentity, "attributes">) => boolean {
  return (identity) => kinds.includes(identity.attributes.kind);
}
