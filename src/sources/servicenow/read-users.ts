import { createPacer } from "../../yield-to-loop.js";
import { isListable } from "./chunk-by-length.js";
import type { RawRecord } from "./client-types.js";
import { OWNER_FIELDS, USER_FIELDS } from "./mapping.js";
import { parseBool, parseDateTime, refValue, str } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

/** The sys_user facts warden keeps about an identity or an owner. */
export interface UserRecord {
  id: string;
  userName: string;
  name: string;
  email: string | undefined;
  active: boolean;
  lockedOut: boolean;
  wsao: boolean;
  internalIntegration: boolean;
  lastLoginAt: Date | undefined;
  /** False when an ACL hides last_login_time (the key is missing), so nothing can be inferred from it. */
  lastLoginKnown: boolean;
  createdAt: Date | undefined;
  ownerRef: string | undefined;
  /**
   * The owner as dot-walked inside the same record (`manager.email`, …); undefined when there is
   * no reference, or it points to no readable user (deleted, or hidden by an ACL: the keys are
   * missing or empty).
   */
  owner: OwnerRecord | undefined;
}

/** The owner's sys_user facts, read through the owner reference. */
export interface OwnerRecord {
  id: string;
  userName: string;
  name: string;
  email: string | undefined;
  active: boolean;
  lockedOut: boolean;
}

/** sys_user fields of an identity, its owner reference and the owner's fields dot-walked through it. */
export function userFields(ownerField: string): string[] {
  return [...USER_FIELDS, ownerField, ...OWNER_FIELDS.map((f) => `${ownerField}.${f}`)];
}

function toOwner(record: RawRecord, ownerField: string, id: string | undefined): OwnerRecord | undefined {
  const at = (field: string) => record[`${ownerField}.${field}`];
  const userName = str(at("user_name"));
  if (!id || !userName) return undefined;
  return {
    id,
    userName,
    name: str(at("name")) ?? userName,
    email: str(at("email")),
    active: parseBool(at("active"), true) ?? true,
    lockedOut: parseBool(at("locked_out"), false) ?? false,
  };
}

function toUser(record: RawRecord, ownerField: string): UserRecord | undefined {
  const id = str(record.sys_id);
  const userName = str(record.user_name);
  if (!id || !userName) return undefined;
  const ownerRef = refValue(record[ownerField]);
  return {
    id,
    userName,
    name: str(record.name) ?? userName,
    email: str(record.email),
    active: parseBool(record.active, true) ?? true,
    lockedOut: parseBool(record.locked_out, false) ?? false,
    wsao: parseBool(record.web_service_access_only, false) ?? false,
    internalIntegration: parseBool(record.internal_integration_user, false) ?? false,
    lastLoginAt: parseDateTime(record.last_login_time),
    lastLoginKnown: "last_login_time" in record,
    createdAt: parseDateTime(record.sys_created_on),
    ownerRef,
    owner: toOwner(record, ownerField, ownerRef),
  };
}

async function readPaged(
  reader: SignalReader,
  query: string,
  onPage?: (count: number) => void,
): Promise<UserRecord[]> {
  const { client, mapping } = reader;
  const users: UserRecord[] = [];
  // A page holds up to 10,000 records: the event loop is given back every few ms while they are read.
  const pace = createPacer();
  for await (const page of client.list(mapping.user.table, {
    query,
    fields: userFields(mapping.user.ownerField),
  })) {
    for (const record of page) {
      await pace();
      const user = toUser(record, mapping.user.ownerField);
      if (user) users.push(user);
    }
    onPage?.(users.length);
  }
  return users;
}

/** Every web-service-only account that is not an internal integration user, disabled ones too. */
export function readWebServiceOnlyUsers(
  reader: SignalReader,
  onPage?: (count: number) => void,
): Promise<UserRecord[]> {
  return readPaged(reader, "web_service_access_only=true^internal_integration_user!=true", onPage);
}

/** Users by exact user_name; names an IN list cannot carry are looked up one by one, literally. */
export async function readUsersByName(reader: SignalReader, names: readonly string[]): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  for (const batch of reader.batches(names.filter(isListable))) {
    users.push(...(await readPaged(reader, `user_nameIN${batch.join(",")}`)));
  }
  const { client, mapping } = reader;
  for (const name of names.filter((n) => !isListable(n))) {
    const fields = userFields(mapping.user.ownerField);
    for (const record of await client.findByField(mapping.user.table, "user_name", name, fields)) {
      const user = toUser(record, mapping.user.ownerField);
      if (user) users.push(user);
    }
  }
  return users;
}

/** Users by sys_id (accounts known only from Basic-auth records or OAuth tokens). */
export async function readUsersById(reader: SignalReader, ids: readonly string[]): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  for (const batch of reader.batches(ids.filter(isListable))) {
    users.push(...(await readPaged(reader, `sys_idIN${batch.join(",")}`)));
  }
  return users;
}
