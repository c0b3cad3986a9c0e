import type { RuleName, Severity } from "../core/model.js";
import type { Repository } from "../store/store.js";
import { truncateText } from "./truncate-text.js";

/** Accounts named per rule in an alert; the rest are counted ("… and 14 more"). */
export const ALERT_ACCOUNTS_PER_RULE = 10;
/** Evidence lines kept per account, each cut to EVIDENCE_CHARS: the alert points, lookup tells all. */
const EVIDENCE_LINES = 2;
const EVIDENCE_CHARS = 300;

/** One account of an alert: who it is, who owns it, what the new finding rests on. */
export interface AlertLine {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  ownerName?: string | undefined;
  ownerEmail?: string | undefined;
  severity: Severity;
  summary: string;
  evidence: string[];
}

/** The new findings of one rule: how many, and the first ALERT_ACCOUNTS_PER_RULE of them. */
export interface AlertRuleGroup {
  rule: RuleName;
  total: number;
  accounts: AlertLine[];
}

/** An immediate alert: the new findings of ALERT_RULES one scan run opened, per rule. */
export interface AlertView {
  generatedAt: Date;
  /** The sources whose scans it covers (their lines carry their source too). */
  sources: string[];
  /** In ALERT_RULES' order; only rules with new findings. */
  rules: AlertRuleGroup[];
  /** New findings in all. */
  total: number;
}

/** What buildAlert made of a run's scans. */
export interface AlertBuild {
  /** Undefined when there is nothing to alert. */
  view: AlertView | undefined;
  /** Sources whose scan was their first: a baseline, not alerted (the digest covers it). */
  baseline: string[];
}

/**
 * The alert for the scans of one run (one per source): the findings each scan opened whose rule
 * is in `rules`, grouped by rule. A source's first scan is its baseline and is left out: every
 * finding is "new" in it, and an alert listing the whole estate is noise the digest already
 * carries. credential_expired counts only on an enabled application (an expired secret on a
 * disabled app is clutter, not an incident); disabled accounts get no findings anyway.
 */
export async function buildAlert(
  store: { findings: Repository<"findings">; scans: Repository<"scans"> },
  options: {
    scans: readonly { scanId: number; source: string }[];
    rules: readonly RuleName[];
    now: Date;
  },
): Promise<AlertBuild> {
  const baseline: string[] = [];
  const groups = new Map<RuleName, AlertRuleGroup>(
    options.rules.map((rule) => [rule, { rule, total: 0, accounts: [] }]),
  );
  const sources: string[] = [];
  if (options.rules.length === 0) return { view: undefined, baseline };
  for (const { scanId, source } of options.scans) {
    if (!(await store.scans.hasEarlierScan(scanId))) {
      baseline.push(source);
      continue;
    }
    const { findings, counts } = await store.findings.listNewFindings({
      scanId,
      rules: options.rules,
      perRule: ALERT_ACCOUNTS_PER_RULE,
    });
    for (const { rule, source: from, count } of counts) {
      const group = groups.get(rule);
      if (!group) continue;
      group.total += count;
      if (!sources.includes(from)) sources.push(from);
    }
    for (const finding of findings) {
      const group = groups.get(finding.rule);
      if (!group || group.accounts.length >= ALERT_ACCOUNTS_PER_RULE) continue;
      group.accounts.push({
        source: finding.source,
        accountId: finding.accountId,
        userName: finding.userName,
        name: finding.name,
        ownerName: finding.ownerName,
        ownerEmail: finding.ownerEmail,
        severity: finding.severity,
        summary: finding.summary,
        evidence: finding.evidence
          .slice(0, EVIDENCE_LINES)
          .map((e) => truncateText(e.detail, EVIDENCE_CHARS)),
      });
    }
  }
  const rules = [...groups.values()].filter((g) => g.total > 0);
  const total = rules.reduce((n, g) => n + g.total, 0);
  if (total === 0) return { view: undefined, baseline };
  return { view: { generatedAt: options.now, sources, rules, total }, baseline };
}
