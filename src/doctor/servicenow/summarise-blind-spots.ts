import type { DoctorBlindSpot, DoctorCheck } from "../doctor-types.js";
import { servicenowCheck } from "./servicenow-check.js";
import { SIGNAL_EFFECT } from "./table-probes.js";

/** What scans will not see on this instance, as one line. */
export function summariseBlindSpots(blindSpots: readonly DoctorBlindSpot[]): DoctorCheck {
  if (blindSpots.length === 0)
    return servicenowCheck("blind spots", "pass", "None: every signal warden uses is readable.");
  const bySignal = blindSpots.map((b) => `${SIGNAL_EFFECT[b.signal]} from ${b.table}`);
  return servicenowCheck(
    "blind spots",
    "warn",
    `Scans will report these signals as blind spots (unknown, never "no risk"): ${bySignal.join("; ")}.`,
  );
}
