import type { Config } from "../../config/load-config.js";
import type { RawRecord } from "../../sources/servicenow/client-types.js";
import { parseBool, str } from "../../sources/servicenow/parse-values.js";
import type { DoctorCheck } from "../doctor-types.js";
import { servicenowCheck } from "./servicenow-check.js";

export interface BotAccountFacts {
  config: Config;
  /** The bot's sys_user record, when it was found. */
  bot: RawRecord | undefined;
  /** False when sys_user refused the read. */
  botVisible: boolean;
  botName: string | undefined;
  /** How to name the bot account in a sentence when its name is not known. */
  who: string;
}

/** The bot account itself: it should be web-service-only. */
export function probeBotAccount({ config, bot, botVisible, botName, who }: BotAccountFacts): DoctorCheck {
  if (bot) {
    const name = str(bot.user_name) ?? who;
    const wsao = parseBool(bot.web_service_access_only) === true;
    return servicenowCheck(
      "bot account",
      wsao ? "pass" : "warn",
      wsao
        ? `${name} is web-service-only (cannot log in to the UI).`
        : `${name} is not web-service-only: set web_service_access_only=true on it. An interactive bot account can be used to log in to the UI, and Basic auth is refused for interactive accounts once the Basic-auth restriction is enforced.`,
    );
  }
  if (config.servicenow.url === undefined) {
    return servicenowCheck(
      "bot account",
      "pass",
      "Not applicable: the simulated instance's demo account has no sys_user record (on a real instance this checks that the bot account is web-service-only).",
    );
  }
  return servicenowCheck(
    "bot account",
    "warn",
    !botVisible
      ? `Cannot check that ${who} is web-service-only: sys_user is not readable.`
      : botName
        ? `${botName} is not visible in sys_user (an ACL hides it, or the name differs): cannot check that it is web-service-only.`
        : `Cannot identify ${who}: check by hand that the OAuth Application User of the client's oauth_entity record is web-service-only and holds user_admin.`,
  );
}
