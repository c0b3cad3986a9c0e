import type { Config } from "../../config/load-config.js";
import type { ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { ServiceNowMapping } from "../../sources/servicenow/mapping.js";
import type { DoctorBlindSpot, DoctorCheck } from "../doctor-types.js";

export interface ServiceNowCheckInput {
  config: Config;
  client: ServiceNowClient;
  mapping: ServiceNowMapping;
  now: Date;
  botUserName: string | undefined;
}

export interface ServiceNowCheckResult {
  checks: DoctorCheck[];
  blindSpots: DoctorBlindSpot[];
}
