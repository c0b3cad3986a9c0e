import { readFileSync } from "node:fs";
import { WardenError } from "../errors.js";

/**
 * warden's version, from the package.json installed with it: read at run time, two directories
 * up from this module (src/cli/ when run from source, dist/cli/ once built), so it is never out
 * of step with the package.
 */
export function readVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  const { version } = JSON.parse(readFileSync(url, "utf8")) as { version?: unknown };
  if (typeof version !== "string" || version === "") {
    throw new WardenError("E_VERSION_MISSING", `${url.pathname} has no "version"`);
  }
  return version;
}
