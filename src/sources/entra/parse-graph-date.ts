/**
 * A Graph DateTimeOffset as a Date, leniently: the report docs write offsets as "-8:00"
 * (https://learn.microsoft.com/en-us/graph/api/reportroot-list-serviceprincipalsigninactivities),
 * which is not ISO 8601, so a one-digit hour offset is padded first. Undefined when unreadable.
 */
export function parseGraphDate(value: string | null | undefined): Date | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const fixed = value.replace(/([+-])(\d):(\d\d)$/, "$10$2:$3");
  const at = Date.parse(fixed);
  return Number.isNaN(at) ? undefined : new Date(at);
}
