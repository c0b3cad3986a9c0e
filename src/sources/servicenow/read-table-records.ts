import type { RawRecord } from "./client-types.js";
import { describeValue } from "./describe-value.js";
import { compareSysIds, isSysId, SYS_ID_RULE } from "./sys-id.js";

/** A check's verdict: the value it read, or one sentence saying what was wrong. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The records of a Table API answer (`{"result": [...]}`), checked before anything is used:
 * `result` is an array, every element is a record, and every record has a sys_id (see sys-id.ts).
 * The Table API answers a list this way and no other (an empty list is `[]`), so any other shape
 * (an object, a string, null, no `result`) means the instance, or something in front of it, is
 * not answering as ServiceNow does, and guessing would turn missing rows into "gone" accounts.
 */
export function readTableRecords(body: unknown): Checked<RawRecord[]> {
  if (!isObject(body)) {
    return {
      ok: false,
      problem: `the answer is ${describeValue(body)}, not an object with a "result" member`,
    };
  }
  if (!("result" in body)) return { ok: false, problem: 'the answer has no "result" member' };
  const { result } = body;
  if (!Array.isArray(result)) {
    return { ok: false, problem: `"result" is ${describeValue(result)}, not an array of records` };
  }
  for (let i = 0; i < result.length; i++) {
    const record: unknown = result[i];
    const which = `record ${i + 1} of ${result.length}`;
    if (!isObject(record))
      return { ok: false, problem: `${which} is ${describeValue(record)}, not a record` };
    const sysId = record.sys_id;
    if (!isSysId(sysId)) {
      const what = sysId === undefined ? "has no sys_id" : `has a sys_id that is ${describeValue(sysId)}`;
      return { ok: false, problem: `${which} ${what}, not ${SYS_ID_RULE}` };
    }
  }
  return { ok: true, value: result as RawRecord[] };
}

/**
 * Keyset paging asks for `sys_id>cursor^ORDERBYsys_id`, so a page's sys_ids must rise, each after
 * the cursor. A page that does not (the keyset condition or the ordering was ignored) would repeat
 * rows or skip them, and a cursor that does not advance would page for ever. Records must have
 * passed readTableRecords. Returns the problem, or undefined when the page is in order.
 */
export function checkKeysetOrder(
  records: readonly RawRecord[],
  cursor: string | undefined,
): string | undefined {
  let previous = cursor;
  for (let i = 0; i < records.length; i++) {
    const sysId = records[i]?.sys_id as string;
    if (previous !== undefined && compareSysIds(sysId, previous) <= 0) {
      const which = `record ${i + 1} of ${records.length} (sys_id ${sysId})`;
      return i === 0
        ? `${which} is not after the cursor sys_id ${previous}: the instance ignored the keyset condition, so paging would never end`
        : `${which} is not after record ${i} (sys_id ${previous}): the rows are not in sys_id order`;
    }
    previous = sysId;
  }
  return undefined;
}
