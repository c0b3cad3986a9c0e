import { SourceError } from "../../errors.js";
import type { Logger } from "../../logger.js";
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

/**
 * What a client learns about the instance's pages while it lists, shared by all its lists: the
 * page size it asks for (lowered once if the instance refuses big pages), and the most rows the
 * instance has been seen to return in one page when it returned fewer than asked.
 */
export interface PagingState {
  pageSize: number;
  /** Set once a page came back shorter than asked while X-Total-Count claimed more. */
  largestShortPage?: number;
  /** Whether a refused page made the size smaller (logged the first time only). */
  fellBack?: boolean;
}

export interface PageThroughSettings {
  readRecords: ReadRecords;
  /** Shared, mutable: page size and what the instance's pages showed (see PagingState). */
  paging: PagingState;
  /** Empty pages in a row slid past before the paging is called endless. */
  maxEmptyPages: number;
  log: Logger;
}

/**
 * The smallest page size a refused big page falls back to: ServiceNow's community advice is pages
 * of 500–1000 rows, which every instance serves.
 */
export const FALLBACK_PAGE_SIZE = 1000;

/**
 * Failures a too-big page can cause, as opposed to failures of the request itself: the instance
 * failing (500, or 502/503/504 after the retries: a transaction cancelled by a quota rule,
 * https://www.servicenow.com/docs/r/zurich/platform-administration/platform-performance/c_ExampleSystemLogMessages.html,
 * whose HTTP status is not documented), or no answer in time. Users report failures at about
 * 40,000 rows per request (https://www.servicenow.com/community/developer-forum/what-is-the-limit-for-results-on-rest-table-api/m-p/1587156).
 * Credentials, ACLs, missing tables and rate limits fail the same way at any page size.
 */
const REFUSAL_CODES = new Set(["E_SOURCE_UNAVAILABLE", "E_SOURCE_TIMEOUT", "E_SOURCE_HTTP"]);

/**
 * Every record of `table` matching the query, page by page, keyset-paged on sys_id (the client's
 * `list`). A short or empty page is not the end: sysparm_limit applies before ACLs, so the end is
 * when X-Total-Count says so. A page the instance refuses (see REFUSAL_CODES) is asked again with
 * half as many rows, down to FALLBACK_PAGE_SIZE, and every later page uses the size that worked. A page capped below the size asked (what a
 * community thread calls the "maximum limit of records per response") looks like one an ACL
 * shortened: either way only the rows that came back are trusted to have been looked at, so the
 * end is only concluded, and an empty window only slid past, by the largest page actually seen.
 */
export async function* pageThrough(
  table: string,
  listOptions: ListOptions,
  settings: PageThroughSettings,
): AsyncGenerator<RawRecord[]> {
  const { readRecords, maxEmptyPages, paging, log } = settings;
  const fixedSize = listOptions.pageSize;
  if (fixedSize !== undefined && (!Number.isSafeInteger(fixedSize) || fixedSize < 1))
    throw new RangeError(`pageSize must be a positive integer, got ${fixedSize}`);
  const path = tablePath(table);
  const fields = fieldList(listOptions.fields, "sys_id");
  let cursor: string | undefined;
  let offset = 0;
  let page = 0;
  let emptyInARow = 0;

  for (;;) {
    page++;
    const pageSize = fixedSize ?? paging.pageSize;
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
    let read: Awaited<ReturnType<ReadRecords>>;
    try {
      read = await readRecords(call, where);
    } catch (error) {
      if (
        fixedSize !== undefined ||
        pageSize <= FALLBACK_PAGE_SIZE ||
        !(error instanceof SourceError && REFUSAL_CODES.has(error.code))
      )
        throw error;
      if (!paging.fellBack) {
        log.warn(
          { table, pageSize, fallbackPageSize: FALLBACK_PAGE_SIZE, error: error.message },
          `servicenow refused a page of ${pageSize} rows; asking for half as many from now on, down to ${FALLBACK_PAGE_SIZE} if need be (lower SERVICENOW_PAGE_SIZE to skip this)`,
        );
      }
      paging.fellBack = true;
      // Halving finds the instance's largest page in a few requests, and stays there for the scan.
      paging.pageSize = Math.min(paging.pageSize, Math.max(FALLBACK_PAGE_SIZE, Math.floor(pageSize / 2)));
      page--;
      continue;
    }
    const { rows, answer, ctx } = read;
    // Every row is checked before any is passed on: a scan must not act on half a bad page.
    const disorder = checkKeysetOrder(rows, cursor);
    if (disorder !== undefined)
      throw malformedError(ctx, answer.status, `${where} is malformed: ${disorder}`);
    // Rows matching this request's query, i.e. remaining after the cursor (hidden ones too).
    const total = parseInteger(answer.headers["x-total-count"]);
    if (total !== undefined && rows.length > 0 && rows.length < pageSize && total > offset + rows.length) {
      paging.largestShortPage = Math.max(paging.largestShortPage ?? 0, rows.length);
    }
    // Rows the instance certainly looked at per page: all asked for, unless a page came back short.
    const window = Math.min(pageSize, paging.largestShortPage ?? pageSize);

    if (rows.length > 0) {
      emptyInARow = 0;
      yield rows;
      // X-Total-Count covers rows from this offset on: nothing beyond this window → done.
      if (total !== undefined && total <= offset + window) return;
      cursor = rows[rows.length - 1]?.sys_id as string;
      offset = 0;
      continue;
    }

    // An empty page. Without X-Total-Count it is the only end signal we have.
    if (total === undefined || total <= offset + window) return;
    // sysparm_limit applies before ACLs: the whole window was hidden. Slide past it with the
    // same cursor until visible rows appear, but not for ever: an instance that keeps claiming
    // more rows and sending none would keep this loop (and the scan) going without end.
    emptyInARow++;
    if (emptyInARow > maxEmptyPages) {
      throw malformedError(
        ctx,
        answer.status,
        `${where} is malformed: ${emptyInARow} empty pages in a row while X-Total-Count still claims ${total} rows, so paging would never end (an ACL hiding more than ${maxEmptyPages * window} rows in a row looks the same: raise SERVICENOW_PAGE_SIZE)`,
      );
    }
    offset += window;
  }
}
