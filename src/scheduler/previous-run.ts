const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The allowed values of one cron field, e.g. "1-5" → {1,2,3,4,5}, "*\/15" → {0,15,30,45}. */
function expand(field: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> {
  const values = new Set<number>();
  const value = (text: string) => {
    const index = names.indexOf(text.toUpperCase());
    return index >= 0 ? index + nameBase : Number(text);
  };
  for (const part of field.split(",")) {
    const [range = "*", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = [min, max];
    if (range !== "*") {
      const [a = "", b] = range.split("-");
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Minute, hour, day, month and weekday of an instant, as `format` (a time zone's calendar) sees it. */
function partsIn(date: Date, format: Intl.DateTimeFormat) {
  const parts = format.formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    minute: Number(get("minute")),
    hour: Number(get("hour")),
    day: Number(get("day")),
    month: Number(get("month")),
    weekday: DAYS.indexOf(get("weekday").toUpperCase()),
  };
}

/**
 * Whether a minute matches a 5- or 6-field cron expression in `timeZone` (default UTC). Shared by
 * previousRun and nextRun.
 */
export function cronMatcher(expression: string, timeZone?: string): (minute: Date) => boolean {
  let fields = expression.trim().split(/\s+/);
  if (fields.length === 6) fields = fields.slice(1); // seconds do not matter at minute resolution
  const [m = "*", h = "*", dom = "*", mon = "*", dow = "*"] = fields;
  const minutes = expand(m, 0, 59);
  const hours = expand(h, 0, 23);
  const days = expand(dom, 1, 31);
  const months = expand(mon, 1, 12, MONTHS, 1);
  const weekdays = new Set([...expand(dow, 0, 7, DAYS)].map((d) => d % 7));
  // Cron's rule: when both day fields are restricted, either may match.
  const domAny = dom === "*" || dom === "?";
  const dowAny = dow === "*" || dow === "?";
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone ?? "UTC",
    hourCycle: "h23",
    minute: "numeric",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    weekday: "short",
  });
  return (minute) => {
    const p = partsIn(minute, format);
    if (!minutes.has(p.minute) || !hours.has(p.hour) || !months.has(p.month)) return false;
    return domAny && dowAny
      ? true
      : domAny
        ? weekdays.has(p.weekday)
        : dowAny
          ? days.has(p.day)
          : days.has(p.day) || weekdays.has(p.weekday);
  };
}

/**
 * The latest time at or before `now` when a 5- or 6-field cron expression fires, in `timeZone`,
 * looking back at most `lookbackDays`; undefined if none. Used once at start to catch up a run
 * missed while warden was down (node-cron only looks forward).
 */
export function previousRun(
  expression: string,
  now: Date,
  timeZone?: string,
  lookbackDays = 35,
): Date | undefined {
  const matches = cronMatcher(expression, timeZone);
  const start = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let t = start; t > start - lookbackDays * 86_400_000; t -= 60_000) {
    if (matches(new Date(t))) return new Date(t);
  }
  return undefined;
}
