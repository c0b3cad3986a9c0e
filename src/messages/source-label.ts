import type { SourceAttributes } from "../core/model.js";
import type { DigestSourceScore } from "./build-digest.js";
import { plural } from "./rule-text.js";

/** Each kind of source in words, the same on every surface. */
export const SOURCE_KIND_TITLES: Record<SourceAttributes["kind"], string> = {
  servicenow: "ServiceNow",
  entra: "Entra ID",
};

/**
 * A source's name in words for digests and summaries: the built-in sources are registered under
 * their kind's name ("servicenow", "entra"); any other (a second instance registered under its own
 * name) is shown as it is registered.
 */
export function sourceLabel(source: string): string {
  return Object.hasOwn(SOURCE_KIND_TITLES, source)
    ? SOURCE_KIND_TITLES[source as SourceAttributes["kind"]]
    : source;
}

/** "Entra ID: 80/100, 20 machine identities, 9 with findings": one source's part of a digest's score. */
export function sourceScoreLine(s: DigestSourceScore): string {
  return `${sourceLabel(s.source)}: ${s.value}/100, ${plural(s.population, "machine identity", "machine identities")}, ${s.risky.toLocaleString("en-US")} with findings`;
}
