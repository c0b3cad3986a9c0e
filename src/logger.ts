import { pino } from "pino";

/** The logging port every module receives; pino satisfies it, tests pass a capturing one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Paths pino blanks out wherever they appear in a log entry. Secrets must never reach a log:
 * tokens, passwords and Authorization headers, at any depth we log them.
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "*.*.token",
  "accessToken",
  "*.accessToken",
  "clientSecret",
  "*.clientSecret",
  "authorization",
  "*.authorization",
  "Authorization",
  "*.Authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "config.auth",
  "*.config.auth",
];

/**
 * JSON-lines logger with secrets redacted. `destination` defaults to stderr so that
 * `warden scan --json` keeps stdout for its result.
 */
export function createLogger(level = "info", destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination as never);
}

/** A logger that drops everything (library defaults, quiet CLI commands). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
