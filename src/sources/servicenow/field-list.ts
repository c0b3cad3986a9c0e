/** `fields` plus `extra`, deduplicated, as the comma list sysparm_fields wants. */
export function fieldList(fields: readonly string[], ...extra: string[]): string {
  return [...new Set([...fields, ...extra])].join(",");
}
