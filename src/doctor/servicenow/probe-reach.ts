import type { RawRecord, ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { ServiceNowMapping } from "../../sources/servicenow/mapping.js";
import type { DoctorCheck } from "../doctor-types.js";
import { errorMessage, sourceCodeOf } from "./describe-error.js";
import { findBotAccount } from "./find-bot-account.js";
import { servicenowCheck } from "./servicenow-check.js";

/** Errors that still prove the instance answered, authenticated, with JSON. */
const ANSWERED = new Set(["E_SOURCE_FORBIDDEN", "E_SOURCE_BAD_REQUEST", "E_SOURCE_NOT_FOUND"]);

export type ReachResult =
  | { reached: true; check: DoctorCheck; bot: RawRecord | undefined; botVisible: boolean }
  /** Nothing else can be checked: `checks` says so. */
  | { reached: false; checks: DoctorCheck[] };

/** Reach: one small GET that also finds the bot's own sys_user record. */
export async function probeReach(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  botName: string | undefined,
  userFields: string[],
  where: string,
): Promise<ReachResult> {
  const started = performance.now();
  try {
    const bot = await findBotAccount(client, mapping, botName, userFields);
    const ms = Math.round(performance.now() - started);
    return {
      reached: true,
      check: servicenowCheck("reach instance", "pass", `${where} answered in ${ms} ms.`),
      bot,
      botVisible: true,
    };
  } catch (error) {
    if (ANSWERED.has(sourceCodeOf(error) ?? "")) {
      return {
        reached: true,
        check: servicenowCheck(
          "reach instance",
          "pass",
          `${where} answered (and refused the sys_user read: see below).`,
        ),
        bot: undefined,
        botVisible: false,
      };
    }
    return {
      reached: false,
      checks: [
        servicenowCheck("reach instance", "fail", errorMessage(error)),
        servicenowCheck(
          "ServiceNow checks",
          "fail",
          "Skipped: nothing else can be checked until the instance answers with JSON to these credentials.",
        ),
      ],
    };
  }
}
