/** The Table API path of `table`, e.g. `/api/now/table/sys_user`. */
export const tablePath = (table: string): string => `/api/now/table/${encodeURIComponent(table)}`;
