import type { EntraConfig } from "../../config/load-config.js";
import { SourceError } from "../../errors.js";
import { redactUrl } from "../../redact-url.js";
import { GraphError } from "../../sources/entra/graph-error.js";
import type { DoctorCheck } from "../doctor-types.js";
import { type EntraDoctorSource, entraCheck } from "./entra-check-types.js";

/**
 * What the AADSTS codes an operator meets at sign-in mean, in a few words
 * (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes). The token
 * provider's error message adds what to do.
 */
const MEANING: Readonly<Record<number, string>> = {
  7000215: "wrong client secret",
  7000222: "expired client secret",
  7000218: "no client secret sent",
  700016: "unknown client id (no such application in this tenant)",
  90002: "unknown tenant",
  7000112: "warden's application is disabled",
  70011: "invalid scope",
};

export type SignInOutcome =
  | { ok: true; token: string; check: DoctorCheck }
  | { ok: false; check: DoctorCheck };

/** Signs in with the client credentials (one token request); a refusal is named by its AADSTS code. */
export async function probeEntraSignIn(
  source: EntraDoctorSource,
  entra: EntraConfig,
): Promise<SignInOutcome> {
  const where = redactUrl(entra.authorityHost);
  try {
    const token = await source.tokens.getToken();
    return {
      ok: true,
      token,
      check: entraCheck(
        "sign-in",
        "pass",
        `Signed in to tenant ${entra.tenantId} at ${where} as client ${entra.clientId} (client credentials).`,
      ),
    };
  } catch (error) {
    if (error instanceof GraphError && error.aadsts !== undefined) {
      const meaning = MEANING[error.aadsts];
      return {
        ok: false,
        check: entraCheck(
          "sign-in",
          "fail",
          `${meaning ? `${meaning[0]?.toUpperCase()}${meaning.slice(1)} (AADSTS${error.aadsts}). ` : ""}${error.message}`,
        ),
      };
    }
    const message = error instanceof SourceError || error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      check: entraCheck(
        "sign-in",
        "fail",
        `${message} Check ENTRA_AUTHORITY_HOST (${where}) and that this machine can reach it.`,
      ),
    };
  }
}
