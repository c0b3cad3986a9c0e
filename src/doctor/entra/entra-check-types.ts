import type { Config, EntraConfig } from "../../config/load-config.js";
import type { EntraConnector } from "../../sources/entra/create-entra-connector.js";
import type { DoctorBlindSpot, DoctorCheck } from "../doctor-types.js";

/** What the Entra checks use of the connector: its signed-in Graph client and its token cache. */
export type EntraDoctorSource = Pick<EntraConnector, "graph" | "tokens">;

export interface EntraCheckInput {
  config: Config;
  entra: EntraConfig;
  source: EntraDoctorSource;
  now: Date;
}

export interface EntraCheckResult {
  checks: DoctorCheck[];
  blindSpots: DoctorBlindSpot[];
}

/** One line of the Entra part of the doctor's table. */
export const entraCheck = (name: string, status: DoctorCheck["status"], detail: string): DoctorCheck => ({
  area: "entra",
  name,
  status,
  detail,
});
