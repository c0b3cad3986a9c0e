import { BASIC_AUTH_ADVICE, BASIC_AUTH_RULE } from "../actions/block-basic-auth.js";
import type { OwnerAccountView } from "./build-owner-messages.js";

/**
 * Where the source says how to fix a finding no button fixes: a Basic-auth finding without Block
 * Basic auth (a Web Service Access Only account, which the restriction lets through) links to
 * ServiceNow's page on the Basic Auth Restriction. Undefined when a button does it.
 */
export function adviceLinkFor(
  account: Pick<OwnerAccountView, "findings" | "actions">,
): { title: string; url: string } | undefined {
  if (!account.findings.some((f) => f.rule === BASIC_AUTH_RULE)) return undefined;
  if (account.actions.includes("block_basic_auth")) return undefined;
  return { title: BASIC_AUTH_ADVICE.linkText, url: BASIC_AUTH_ADVICE.url };
}
