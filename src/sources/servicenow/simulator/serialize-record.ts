/**
 * Turns a row into the JSON the Table API sends: every value a string, references as
 * `{link, value}` (or plain sys_id strings with sysparm_exclude_reference_link=true), empty
 * references as "", dot-walked fields as flat keys such as "role.name".
 */
import type { TableView } from "./table-view.js";

export type ReferenceValue = { link: string; value: string };
export type SerializedRecord = Record<string, string | ReferenceValue>;

export interface SerializeOptions {
  /** Instance base URL, for reference links. */
  baseUrl: string;
  excludeReferenceLink: boolean;
}

/**
 * The fields a request asks for: `sysparm_fields` (unknown or ACL-hidden ones dropped silently)
 * or, without it, every own field that is not hidden.
 */
export function resolveFields(
  view: TableView,
  requested: string | null,
  hidden: ReadonlySet<string> | undefined,
  hiddenElsewhere?: (table: string) => ReadonlySet<string> | undefined,
): string[] {
  // A dot-walk reads fields of the referenced tables, so their field ACLs apply along the way.
  const isHidden = (path: string) => {
    const segments = path.split(".");
    if (hidden?.has(segments[0] ?? path)) return true;
    for (let i = 1; i < segments.length; i++) {
      const table = view.referenceTarget(segments.slice(0, i).join("."));
      if (table !== undefined && hiddenElsewhere?.(table)?.has(segments[i] ?? "")) return true;
    }
    return false;
  };
  const wanted =
    requested === null || requested.trim() === ""
      ? [...view.fields]
      : requested
          .split(",")
          .map((f) => f.trim())
          .filter((f) => f !== "");
  return [...new Set(wanted)].filter((f) => view.hasField(f) && !isHidden(f));
}

/** Serialises one row with the given (already resolved) fields. */
export function serializeRecord(
  view: TableView,
  row: number,
  fields: readonly string[],
  options: SerializeOptions,
): SerializedRecord {
  return recordSerializer(view, fields, options)(row);
}

/**
 * A serialiser for many rows with the same fields: accessors and reference targets are looked up
 * once, not per row and field.
 */
export function recordSerializer(
  view: TableView,
  fields: readonly string[],
  options: SerializeOptions,
): (row: number) => SerializedRecord {
  const columns = fields.map((field) => ({
    field,
    get: view.accessor(field) ?? (() => ""),
    link: options.excludeReferenceLink ? undefined : view.referenceTarget(field),
  }));
  return (row) => {
    const out: SerializedRecord = {};
    for (const { field, get, link } of columns) {
      const value = get(row);
      if (link === undefined || value === "") out[field] = value;
      else out[field] = { link: `${options.baseUrl}/api/now/table/${link}/${value}`, value };
    }
    return out;
  };
}
