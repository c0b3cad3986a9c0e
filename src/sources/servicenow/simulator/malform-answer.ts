/**
 * Breaks answers of the simulated instance on purpose (SimulatorFaults.malform), so tests can show
 * that warden fails loudly on answers no ServiceNow instance sends, instead of reading them as
 * "no rows" and resolving findings or losing accounts.
 */
import type { ApiResponse } from "./api-response.js";
import type { Malformation } from "./simulator-faults.js";
import { linkHeader } from "./table-api.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Drops the keyset condition (`sys_id>…`, one per ^NQ group) and the offset: the first page again. */
export function dropKeyset(params: URLSearchParams): void {
  const query = params.get("sysparm_query");
  if (query !== null) {
    params.set(
      "sysparm_query",
      query
        .split("^")
        .filter((part) => !part.startsWith("sys_id>"))
        .join("^"),
    );
  }
  params.delete("sysparm_offset");
}

/** `response` broken as `malformation` says; error answers and non-JSON bodies pass unchanged. */
export function malformAnswer(
  response: ApiResponse,
  malformation: Malformation,
  params: URLSearchParams,
  pageUrl: string,
): ApiResponse {
  if (response.status < 200 || response.status >= 300 || !isObject(response.body)) return response;
  const body = response.body;
  switch (malformation.kind) {
    case "result":
      return { ...response, body: { ...body, result: malformation.value } };
    case "no-result": {
      const { result, ...rest } = body;
      return { ...response, body: { ...rest, records: result } };
    }
    case "sys-id": {
      if (!Array.isArray(body.result) || !isObject(body.result[0])) return response;
      const [first, ...others] = body.result as Record<string, unknown>[];
      const broken: Record<string, unknown> = { ...first };
      if (malformation.value === undefined) delete broken.sys_id;
      else broken.sys_id = malformation.value;
      return { ...response, body: { ...body, result: [broken, ...others] } };
    }
    case "empty-pages": {
      // Nothing on this page, and always exactly one page more, whatever the offset.
      const limit = Number(params.get("sysparm_limit")) || 10_000;
      const offset = Number(params.get("sysparm_offset")) || 0;
      const total = offset + limit + 1;
      return {
        ...response,
        body: { ...body, result: [] },
        headers: {
          ...response.headers,
          "X-Total-Count": String(total),
          Link: linkHeader(pageUrl, params, offset, limit, total),
        },
      };
    }
    case "repeat-page":
      // The request already lost its keyset condition (dropKeyset) before it was answered.
      return response;
  }
}
