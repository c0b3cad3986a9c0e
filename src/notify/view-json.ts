/** Serialises a view model for the outbox; dates survive the round trip. */
export function viewToJson(view: unknown): string {
  return JSON.stringify(view);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The inverse of viewToJson: ISO date strings become Dates again. */
export function viewFromJson<T>(json: string): T {
  return JSON.parse(json, (_key, value) =>
    typeof value === "string" && ISO_DATE.test(value) ? new Date(value) : value,
  ) as T;
}
