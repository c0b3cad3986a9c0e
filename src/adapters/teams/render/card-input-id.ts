/** Names of the inputs warden's cards collect. */
export type CardInputName = "reason" | "expiresInDays" | "ownerEmail";

/**
 * The id of an input for one account: "reason.servicenow.<sys_id>". A card lists several accounts
 * and input ids must be unique in a card (the `adaptivecards` validator reports `DuplicateId`, and
 * a host that gathers every input would mix them up), so the account is part of the id.
 */
export function cardInputId(name: CardInputName, account: { s: string; id: string }): string {
  return `${name}.${account.s}.${account.id}`;
}

/**
 * Reads an input from the data an Action.Execute / Action.Submit sent back (its `data` merged with
 * the inputs): the account's own id first, then the bare name. Undefined when absent or blank.
 *
 * @example readCardInput(value.action.data, "reason", payload) // "Feeds the CMDB nightly"
 */
export function readCardInput(
  data: Record<string, unknown>,
  name: CardInputName,
  account: { s: string; id: string },
): string | undefined {
  const value = data[cardInputId(name, account)] ?? data[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
