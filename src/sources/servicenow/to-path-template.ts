import { isSysId } from "./sys-id.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
// Record numbers such as INC0010023 or CHG0030001 identify one record, like a sys_id does.
const RECORD_NUMBER = /^[A-Z]{2,8}\d{5,}$/;

/**
 * Turns a logged URL into the API resource it calls, so calls to different records count as one
 * unique API call: `/api/now/table/incident/46d4…?sysparm_fields=x` → `/api/now/table/incident/{sys_id}`.
 */
export function toPathTemplate(url: string): string {
  let path = url;
  const query = path.search(/[?#]/);
  if (query >= 0) path = path.slice(0, query);
  // Absolute URLs are logged on some instances; keep only the path.
  const scheme = path.match(/^[a-z]+:\/\/[^/]+/i);
  if (scheme) path = path.slice(scheme[0].length);
  const segments = path.split("/").map((segment) => {
    if (isSysId(segment)) return "{sys_id}";
    if (UUID.test(segment) || NUMBER.test(segment) || RECORD_NUMBER.test(segment)) return "{id}";
    return segment;
  });
  return segments.join("/").replace(/\/+$/, "") || "/";
}
