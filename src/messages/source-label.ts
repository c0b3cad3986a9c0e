import type { DigestSourceScore } from "./build-digest.js";
import { plural } from "./rule-text.js";

/**
 * A source's name in words for digests and summaries: the built-in sources' names are known
 * ("servicenow" is ServiceNow, "entra" is Entra ID); any other (a second instance registered
 * under its own name) is shown as it is registered.
 */
export function sourceLabel(source: string): string {
  return KNOWN[source] ?? source;
}

const KNOWN: Record<string, string> = { servicenow: "ServiceNow", entra: "Entra ID" };

/** "Entra ID: 80/100, 20 machine identities, 9 with findings": one source's part of a digest's score. */
export function sourceScoreLine(s: DigestSourceScore): string {
  return `${sourceLabel(s.source)}: ${s.value}/100, ${plural(s.population, "machine identity", "machine identities")}, ${s.risky.toLocaleString("en-US")} with findings`;
}
