import { OutboxMessageError } from "../errors.js";

/**
 * A two-way mapping between a typed value and its JSON form. Dates are named where they occur
 * (`date`), never guessed from what a string looks like; `decode` checks the shape and throws an
 * OutboxMessageError naming the first field that is wrong.
 */
export interface Codec<T> {
  encode(value: T): unknown;
  decode(value: unknown, path: string): T;
}

const malformed = (path: string, why: string) =>
  new OutboxMessageError("E_OUTBOX_MALFORMED", `${path} ${why}`);

const primitive = <T>(name: string, test: (value: unknown) => boolean): Codec<T> => ({
  encode: (value) => value,
  decode(value, path) {
    if (!test(value)) throw malformed(path, `is not ${name}`);
    return value as T;
  },
});

export const text: Codec<string> = primitive("text", (v) => typeof v === "string");
export const number: Codec<number> = primitive(
  "a number",
  (v) => typeof v === "number" && Number.isFinite(v),
);
export const boolean: Codec<boolean> = primitive("true or false", (v) => typeof v === "boolean");

/** One of a fixed set of strings. */
export function oneOf<T extends string>(values: readonly T[]): Codec<T> {
  const allowed = new Set<string>(values);
  return primitive(`one of ${values.join(", ")}`, (v) => typeof v === "string" && allowed.has(v));
}

/** A string whose values another part of warden defines (checked as text only). */
export const textAs = <T extends string>(): Codec<T> => text as Codec<T>;

// The form Date.prototype.toISOString writes, with the expanded years beyond 0000-9999
// (https://tc39.es/ecma262/#sec-date-time-string-format, #sec-expanded-years).
const ISO_DATE = /^(\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A Date, stored as an ISO-8601 UTC string. */
export const date: Codec<Date> = {
  encode(value) {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new OutboxMessageError("E_OUTBOX_MALFORMED", "a date field holds no valid date");
    }
    return value.toISOString();
  },
  decode(value, path) {
    if (typeof value !== "string" || !ISO_DATE.test(value)) throw malformed(path, "is not an ISO date");
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw malformed(path, "is not a valid date");
    return parsed;
  },
};

/** A field that may be absent (undefined in memory, left out of the JSON; null reads as absent). */
export function optional<T>(codec: Codec<T>): Codec<T | undefined> {
  return {
    encode: (value) => (value === undefined ? undefined : codec.encode(value)),
    decode: (value, path) => (value === undefined || value === null ? undefined : codec.decode(value, path)),
  };
}

/** A field older rows may lack: absent (or null) reads as `fallback`; always written. */
export function withDefault<T>(codec: Codec<T>, fallback: T): Codec<T> {
  return {
    encode: (value) => codec.encode(value),
    decode: (value, path) => (value === undefined || value === null ? fallback : codec.decode(value, path)),
  };
}

export function array<T>(codec: Codec<T>): Codec<T[]> {
  return {
    encode: (values) => values.map((v) => codec.encode(v)),
    decode(value, path) {
      if (!Array.isArray(value)) throw malformed(path, "is not a list");
      return value.map((v, i) => codec.decode(v, `${path}[${i}]`));
    },
  };
}

/**
 * An object with exactly the fields of `T`, each with its codec. Fields not listed are neither
 * stored nor read back, so the stored form stays what rendering needs.
 */
export function object<T extends object>(shape: { [K in keyof T]-?: Codec<T[K]> }): Codec<T> {
  const fields = Object.entries(shape) as [string, Codec<unknown>][];
  return {
    encode(value) {
      const out: Record<string, unknown> = {};
      for (const [key, codec] of fields) {
        const encoded = codec.encode((value as Record<string, unknown>)[key]);
        if (encoded !== undefined) out[key] = encoded;
      }
      return out;
    },
    decode(value, path) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw malformed(path, "is not an object");
      }
      const out: Record<string, unknown> = {};
      for (const [key, codec] of fields) {
        const decoded = codec.decode((value as Record<string, unknown>)[key], `${path}.${key}`);
        if (decoded !== undefined) out[key] = decoded;
      }
      return out as T;
    },
  };
}
