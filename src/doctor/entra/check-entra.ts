import type { DoctorBlindSpot, DoctorCheck } from "../doctor-types.js";
import { SIGNAL_EFFECT } from "../servicenow/table-probes.js";
import { type EntraCheckInput, type EntraCheckResult, entraCheck } from "./entra-check-types.js";
import { ENTRA_SIGNAL_PROBES } from "./entra-signal-probes.js";
import { judgeTokenPermissions } from "./judge-token-permissions.js";
import { probeEntraSignIn } from "./probe-entra-sign-in.js";
import { probeEntraSignal } from "./probe-entra-signal.js";
import { readTokenClaims } from "./read-token-claims.js";

export type { EntraCheckInput, EntraCheckResult, EntraDoctorSource } from "./entra-check-types.js";

/**
 * The Entra ID half of `warden doctor`: sign-in (one token request), the application permissions
 * the token carries against what scanning and remediation need, then one cheap GET ($top=1) per
 * listing a scan reads. Nothing is ever written: write rights are judged from the token's roles.
 * No detail ever contains ENTRA_CLIENT_SECRET (a last guard below, on top of messages that never
 * quote it).
 */
export async function checkEntra(input: EntraCheckInput): Promise<EntraCheckResult> {
  const { entra, source, config } = input;
  const checks: DoctorCheck[] = [];
  const blindSpots: DoctorBlindSpot[] = [];

  const signIn = await probeEntraSignIn(source, entra);
  checks.push(signIn.check);
  if (!signIn.ok) {
    checks.push(
      entraCheck(
        "Entra checks",
        "fail",
        "Skipped: nothing else can be checked until warden can sign in to the tenant.",
      ),
    );
    return scrub({ checks, blindSpots }, entra.clientSecret);
  }

  const claims = readTokenClaims(signIn.token);
  if (
    claims?.tid !== undefined &&
    claims.tid.toLowerCase() !== entra.tenantId.toLowerCase() &&
    /^[0-9a-f-]{36}$/i.test(entra.tenantId)
  ) {
    checks.push(
      entraCheck(
        "tenant",
        "warn",
        `The token was issued by tenant ${claims.tid}, not ENTRA_TENANT_ID ${entra.tenantId}: check the tenant id.`,
      ),
    );
  }
  checks.push(...judgeTokenPermissions(claims, config.mode));

  for (const probe of ENTRA_SIGNAL_PROBES) {
    const result = await probeEntraSignal(source.graph, probe);
    checks.push(...result.checks);
    blindSpots.push(...result.blindSpots);
  }

  if (blindSpots.length === 0) {
    checks.push(
      entraCheck("blind spots", "pass", "None: every signal warden reads from Entra ID is readable."),
    );
  } else {
    const signals = [...new Set(blindSpots.map((b) => SIGNAL_EFFECT[b.signal]))];
    checks.push(
      entraCheck(
        "blind spots",
        "warn",
        `Scans will report these Entra signals as blind spots (unknown, never "no risk"): ${signals.join("; ")}.`,
      ),
    );
  }
  return scrub({ checks, blindSpots }, entra.clientSecret);
}

/** Replaces the client secret wherever it might appear (it should not: belt and braces). */
function scrub(result: EntraCheckResult, secret: string): EntraCheckResult {
  if (secret.length < 4) return result;
  const clean = (text: string) => text.split(secret).join("[ENTRA_CLIENT_SECRET]");
  return {
    checks: result.checks.map((c) => ({ ...c, detail: clean(c.detail) })),
    blindSpots: result.blindSpots.map((b) => ({ ...b, reason: clean(b.reason) })),
  };
}
