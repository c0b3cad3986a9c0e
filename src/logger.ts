import { pino } from "pino";
import { redactUrlsIn } from "./redact-url.js";

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
  "signingSecret",
  "*.signingSecret",
  "botToken",
  "*.botToken",
  "appToken",
  "*.appToken",
  "appPassword",
  "*.appPassword",
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
 * JSON-lines logger with secrets redacted: by key (REDACT_PATHS), and, in every finished line
 * whatever its keys (an error message, a stack), the user info of any `scheme://user:pass@host`
 * (pino's streamWrite hook, https://getpino.io/#/docs/api?id=streamwrite). `destination` defaults
 * to stderr so that `warden scan --json` keeps stdout for its result.
 */
export function createLogger(level = "info", destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      hooks: { streamWrite: redactUrlsIn },
    },
    destination as never,
  );
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
