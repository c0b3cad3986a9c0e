import { editDistance } from "../edit-distance.js";
import { KNOWN_VARIABLES } from "./load-config.js";

/** Prefixes of warden's own variables: a name with one of them that warden does not know is likely a typo. */
export const WARDEN_PREFIXES = ["SERVICENOW_", "SLACK_", "TEAMS_", "WARDEN_", "ENTRA_", "REVIEW_"] as const;

export interface UnknownVariable {
  name: string;
  /** The known variable closest to it by edit distance. */
  suggestion: string;
}

/**
 * The known variable closest to `name` by edit distance (ties: the first in KNOWN_VARIABLES);
 * a name that is a known one with a prefix added (WARDEN_PORT, WARDEN_LOG_LEVEL) gets that one.
 */
function closestKnown(name: string): string {
  const prefix = WARDEN_PREFIXES.find((p) => name.startsWith(p)) ?? "";
  const bare = name.slice(prefix.length);
  if ((KNOWN_VARIABLES as readonly string[]).includes(bare)) return bare;
  let best: { known: string; distance: number } = { known: KNOWN_VARIABLES[0], distance: Infinity };
  for (const known of KNOWN_VARIABLES) {
    const distance = editDistance(name, known);
    if (distance < best.distance) best = { known, distance };
  }
  return best.known;
}

/**
 * Set variables that look like warden's (one of WARDEN_PREFIXES) but are not in KNOWN_VARIABLES,
 * each with the closest known name. Such a variable is ignored, so a typo would otherwise
 * silently leave a setting at its default.
 */
export function findUnknownVariables(env: Record<string, string | undefined>): UnknownVariable[] {
  const known = new Set<string>(KNOWN_VARIABLES);
  const unknown: UnknownVariable[] = [];
  for (const name of Object.keys(env).sort()) {
    if (env[name] === undefined || known.has(name)) continue;
    if (!WARDEN_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    unknown.push({ name, suggestion: closestKnown(name) });
  }
  return unknown;
}
