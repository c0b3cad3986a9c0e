import type { Remediation, RuleName } from "../core/model.js";

/** Human words for each rule, shared by every renderer (terminal, Slack, Teams). */
export const RULE_TITLES: Readonly<Record<RuleName, string>> = {
  dormant: "Dormant",
  basic_auth: "Basic auth",
  wsao_disabled: "Web Service Access Only off",
  ui_and_api: "UI and API logins",
  no_owner: "No owner",
  privileged: "Privileged role",
};

/** How a change in a rule's findings reads in a sentence: "3 accounts started using Basic auth". */
export const RULE_OPENED: Readonly<Record<RuleName, string>> = {
  dormant: "became dormant",
  basic_auth: "started using Basic auth",
  wsao_disabled: "called APIs without Web Service Access Only",
  ui_and_api: "logged into the UI while calling APIs",
  no_owner: "lost their owner",
  privileged: "gained a privileged role",
};

export const RULE_RESOLVED: Readonly<Record<RuleName, string>> = {
  dormant: "dormant accounts dealt with",
  basic_auth: "moved off Basic auth",
  wsao_disabled: "restricted to API only",
  ui_and_api: "stopped mixing UI and API logins",
  no_owner: "got an owner",
  privileged: "lost a privileged role",
};

export const REMEDIATION_TEXT: Readonly<Record<Remediation, string>> = {
  disable: "Disable the account",
  move_to_oauth: "Move it to OAuth (client credentials)",
  restrict: "Restrict it to API only (Web Service Access Only)",
  split_or_restrict: "Restrict it to API only, or split it into a UI and an API account",
  assign_owner: "Assign an owner",
  reduce_roles: "Remove the privileged roles it does not need",
};

/** "1 account" / "3 accounts". */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}
