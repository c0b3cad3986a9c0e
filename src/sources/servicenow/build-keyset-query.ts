/**
 * The `sysparm_query` of one keyset page: `<query>^sys_id><cursor>^ORDERBYsys_id`.
 *
 * The keyset condition is appended to **every** `^NQ` group: `a^NQb` means "(a) OR (b)", so a
 * single trailing `^sys_id>x` would bind to the last group only, and the first group would be
 * returned again on every page (an endless loop). No cursor → first page, no keyset condition;
 * no query → just the keyset condition and the ordering.
 */
export function buildKeysetQuery(query: string | undefined, cursor: string | undefined): string {
  const keyset = cursor === undefined ? undefined : `sys_id>${cursor}`;
  const base = query?.trim() ?? "";
  const groups = base === "" ? [] : base.split("^NQ");
  const filtered =
    groups.length === 0
      ? keyset === undefined
        ? []
        : [keyset]
      : [groups.map((group) => (keyset === undefined ? group : `${group}^${keyset}`)).join("^NQ")];
  return [...filtered, "ORDERBYsys_id"].join("^");
}
