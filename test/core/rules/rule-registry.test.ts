import { describe, expect, it } from "vitest";
import { SIGNALS } from "../../../src/core/model.js";
import { remediationsOf } from "../../../src/core/rules/rule-definition.js";
import { RULE_NAMES, RULES } from "../../../src/core/rules/rule-registry.js";
import {
  REMEDIATION_TEXT,
  RULE_OPENED,
  RULE_RESOLVED,
  RULE_TITLES,
} from "../../../src/messages/rule-text.js";

describe("the rule registry", () => {
  it("keeps the rule names stored findings and chat payloads already carry, in their order", () => {
    expect(RULE_NAMES).toEqual([
      "dormant",
      "basic_auth",
      "wsao_disabled",
      "ui_and_api",
      "no_owner",
      "privileged",
      "credential_expiring",
      "credential_expired",
      "long_lived_secret",
    ]);
  });

  it("has unique names and titles, so no two rules read the same in a digest", () => {
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.title)).size).toBe(RULES.length);
  });

  it("gives every rule its wording, and the renderers' tables have it for every rule", () => {
    for (const rule of RULES) {
      for (const text of [rule.title, rule.opened, rule.resolved, rule.remediationText]) {
        expect(text.trim(), rule.name).not.toBe("");
      }
      expect(RULE_TITLES[rule.name]).toBe(rule.title);
      expect(RULE_OPENED[rule.name]).toBe(rule.opened);
      expect(RULE_RESOLVED[rule.name]).toBe(rule.resolved);
      expect(REMEDIATION_TEXT[rule.remediation]).toBe(rule.remediationText);
      for (const fix of remediationsOf(rule)) {
        expect(fix.remediationText.trim(), fix.remediation).not.toBe("");
        expect(REMEDIATION_TEXT[fix.remediation]).toBe(fix.remediationText);
      }
    }
  });

  it("words a remediation the same whichever rule recommends it", () => {
    const texts = new Map<string, Set<string>>();
    for (const rule of RULES)
      for (const fix of remediationsOf(rule))
        texts.set(fix.remediation, (texts.get(fix.remediation) ?? new Set()).add(fix.remediationText));
    for (const [remediation, wording] of texts) expect([...wording], remediation).toHaveLength(1);
  });

  it("weighs every rule strictly between 0 and 1, so fixing any one finding lowers an account's risk", () => {
    for (const rule of RULES) {
      expect(rule.weight, rule.name).toBeGreaterThan(0);
      expect(rule.weight, rule.name).toBeLessThan(1);
    }
  });

  it("rests every rule on signals a source can report blind", () => {
    const known = new Set<string>(SIGNALS);
    for (const rule of RULES) {
      for (const signal of rule.signals) expect(known.has(signal), `${rule.name}: ${signal}`).toBe(true);
    }
  });
});
