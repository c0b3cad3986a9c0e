import { SourceError } from "../../errors.js";
import type { GraphClient } from "../../sources/entra/graph-client.js";
import { GraphError } from "../../sources/entra/graph-error.js";
import { SIGNAL_EFFECT } from "../servicenow/table-probes.js";
import { type EntraCheckResult, entraCheck } from "./entra-check-types.js";
import type { EntraSignalProbe } from "./entra-signal-probes.js";

/** Graph's answer to a report call in a tenant without Entra ID P1/P2 (https://learn.microsoft.com/en-us/graph/errors). */
const NO_LICENCE = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

/** One probe: pass, or what to grant; a refused signal becomes a blind spot (as scans report it). */
export async function probeEntraSignal(
  graph: GraphClient,
  probe: EntraSignalProbe,
): Promise<EntraCheckResult> {
  const effect = probe.signals.map((s) => SIGNAL_EFFECT[s]).join(", ");
  const blind = (reason: string) => probe.signals.map((signal) => ({ signal, table: probe.path, reason }));
  const until =
    probe.signals.length > 0
      ? ` Until then scans report a blind spot for ${effect}: its rules neither fire nor resolve.`
      : " Scans cannot run without it.";
  try {
    const { detail, warn } = await probe.read(graph);
    if (warn) {
      return {
        checks: [entraCheck(probe.name, "warn", `${detail} ${warn.detail}`)],
        blindSpots: [{ signal: warn.signal, table: probe.path, reason: warn.detail }],
      };
    }
    return { checks: [entraCheck(probe.name, "pass", detail)], blindSpots: [] };
  } catch (error) {
    if (!(error instanceof GraphError)) {
      const message = error instanceof SourceError || error instanceof Error ? error.message : String(error);
      return { checks: [entraCheck(probe.name, "fail", message)], blindSpots: [] };
    }
    const { permission } = probe;
    if (error.code === "E_SOURCE_FORBIDDEN" && error.graphCode === NO_LICENCE) {
      const reason = "the tenant has no Entra ID P1 or P2 licence, which sign-in activity reports need";
      return {
        checks: [
          entraCheck(
            probe.name,
            "warn",
            `403 ${NO_LICENCE}: needs Entra ID P1 or P2 (the sign-in activity reports of Usage & insights; data shows up about 24 h after the licence is assigned).${until}`,
          ),
        ],
        blindSpots: blind(reason),
      };
    }
    if (error.code === "E_SOURCE_FORBIDDEN") {
      const instead = permission.alsoGrantedBy[0] ? ` (or the broader ${permission.alsoGrantedBy[0]})` : "";
      return {
        checks: [
          entraCheck(
            probe.name,
            probe.signals.length > 0 ? "warn" : "fail",
            `403${error.graphCode ? ` ${error.graphCode}` : ""}: grant warden's app registration the Microsoft Graph application permission ${permission.least}${instead} for ${permission.reads}, then admin consent.${until}`,
          ),
        ],
        blindSpots: blind(`403: grant ${permission.least}`),
      };
    }
    if (
      probe.signals.length > 0 &&
      probe.path.startsWith("/beta/reports/") &&
      (error.code === "E_SOURCE_NOT_FOUND" || error.code === "E_SOURCE_BAD_REQUEST")
    ) {
      return {
        checks: [
          entraCheck(
            probe.name,
            "warn",
            `${error.status ?? ""}${error.graphCode ? ` ${error.graphCode}` : ""}: this report is not served here (a Graph beta API; the service principal report exists in the global cloud only; check ENTRA_GRAPH_URL).${until}`.trim(),
          ),
        ],
        blindSpots: blind("the report is not available in this cloud"),
      };
    }
    return { checks: [entraCheck(probe.name, "fail", error.message)], blindSpots: [] };
  }
}
