import type { Config } from "../../config/load-config.js";
import type { DoctorCheck } from "../doctor-types.js";
import { servicenowCheck } from "./servicenow-check.js";

/** The authentication the bot itself uses; undefined when a real instance has none configured. */
export function probeAuthentication(config: Config): DoctorCheck | undefined {
  const auth = config.servicenow.auth;
  if (config.servicenow.url === undefined) {
    return servicenowCheck(
      "authentication",
      "pass",
      "Built-in demo account of the simulated instance (protects nothing real).",
    );
  }
  if (auth?.kind === "basic") {
    return servicenowCheck(
      "authentication",
      "warn",
      `Basic auth as ${auth.username}. From 2026 instances refuse Basic-auth API calls unless the account is web-service-only or holds snc_basic_auth_api_access; prefer OAuth client credentials (SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET).`,
    );
  }
  if (auth?.kind === "oauth") {
    return servicenowCheck(
      "authentication",
      "pass",
      `OAuth 2.0 client credentials (client id ${auth.clientId}).`,
    );
  }
  return undefined;
}
