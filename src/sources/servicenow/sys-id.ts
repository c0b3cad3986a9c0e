/**
 * The one rule for a ServiceNow sys_id: 32 hexadecimal characters, the GUID form the platform
 * generates for every record ("a unique 32-character GUID",
 * https://www.servicenow.com/docs/r/australia/platform-administration/c_UniqueRecordIdentifier.html).
 * Instances generate lower-case ones; upper case is accepted because the database compares them
 * without regard to case. Anything else (a number, "", an object, "../x") is not a record id:
 * warden refuses to page on it, store it or build a URL from it.
 */
const SYS_ID = /^[0-9a-f]{32}$/i;

/** What a sys_id must look like, for error messages. */
export const SYS_ID_RULE = "32 hexadecimal characters";

/** Whether `value` is a sys_id (see the module comment). */
export function isSysId(value: unknown): value is string {
  return typeof value === "string" && SYS_ID.test(value);
}

/**
 * Compares two sys_ids in the order `ORDERBYsys_id` returns them (case-insensitive): negative
 * when `a` comes first, 0 when they are the same record.
 */
export function compareSysIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
