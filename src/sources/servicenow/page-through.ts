import { buildKeysetQuery } from "./build-keyset-query.js";
import type { ListOptions, RawRecord } from "./client-types.js";
import { fieldList } from "./field-list.js";
import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { parseInteger } from "./parse-values.js";
import { checkKeysetOrder } from "./read-table-records.js";
import type { ServiceNowCall } from "./servicenow-call.js";
import { tablePath } from "./table-path.js";
import { malformedError } from "./to-source-error.js";

/** Reads one Table API page, checked (readTableRecords); `where` names the page in errors. */
export type ReadRecords = (
  call: ServiceNowCall,
  where: string,
) => Promise<{ rows: RawRecord[]; answer: HttpAnswer; ctx: RequestContext }>;

export interface PageThroughSettings {
  readRecords: ReadRecords;
  /** Rows per page when `ListOptions.pageSize` is not given. */
  defaultPageSize: number;
  /** Empty pages in a row slid past before the paging is called endless. */
  maxEmptyPages: number;
}

/**
 * Every record of `table` matching the query, page by page, keyset-paged on sys_id (the client's
 * `list`). A short or empty page is not the end: sysparm_limit applies before ACLs, so the end is
 * when X-Total-Count says so.
 */
export async function* pageThrough(
  table: string,
  listOptions: ListOptions,
  settings: PageThroughSettings,
): AsyncGenerator<RawRecord[]> {
  const { readRecords, maxEmptyPages } = settings;
  const pageSize = listOptions.pageSize ?? settings.defaultPageSize;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const path = tablePath(table);
  const fields = fieldList(listOptions.fields, "sys_id");
  let cursor: string | undefined;
  let offset = 0;
  let page = 0;
  let emptyInARow = 0;

  for (;;) {
    page++;
    const params: Record<string, string> = {
      sysparm_query: buildKeysetQuery(listOptions.query, cursor),
      sysparm_fields: fields,
      sysparm_exclude_reference_link: "true",
      sysparm_suppress_pagination_header: "true",
      sysparm_limit: String(pageSize),
    };
    if (offset > 0) params.sysparm_offset = String(offset);
    const call: ServiceNowCall = { method: "GET", path, table, params };
    // Cursors are checked sys_ids, so they are safe to name in a message.
    const where = `page ${page} of ${table}${cursor === undefined ? "" : ` (rows after sys_id ${cursor})`}`;
    const { rows, answer, ctx } = await readRecords(call, where);
    // Every row is checked before any is passed on: a scan must not act on half a bad page.
    const disorder = checkKeysetOrder(rows, cursor);
    if (disorder !== undefined)
      throw malformedError(ctx, answer.status, `${where} is malformed: ${disorder}`);
    // Rows matching this request's query, i.e. remaining after the cursor (hidden ones too).
    const total = parseInteger(answer.headers["x-total-count"]);

    if (rows.length > 0) {
      emptyInARow = 0;
      yield rows;
      // X-Total-Count covers rows from this offset on: nothing beyond this window → done.
      if (total !== undefined && total <= offset + pageSize) return;
      cursor = rows[rows.length - 1]?.sys_id as string;
      offset = 0;
      continue;
    }

    // An empty page. Without X-Total-Count it is the only end signal we have.
    if (total === undefined || total <= offset + pageSize) return;
    // sysparm_limit applies before ACLs: the whole window was hidden. Slide past it with the
    // same cursor until visible rows appear, but not for ever: an instance that keeps claiming
    // more rows and sending none would keep this loop (and the scan) going without end.
    emptyInARow++;
    if (emptyInARow > maxEmptyPages) {
      throw malformedError(
        ctx,
        answer.status,
        `${where} is malformed: ${emptyInARow} empty pages in a row while X-Total-Count still claims ${total} rows, so paging would never end (an ACL hiding more than ${maxEmptyPages * pageSize} rows in a row looks the same: raise SERVICENOW_PAGE_SIZE)`,
      );
    }
    offset += pageSize;
  }
}
