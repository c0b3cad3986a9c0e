import { OWNER_ACTIONS } from "../actions/action-registry.js";
import type { Evidence, Finding } from "../core/model.js";
import { RULE_NAMES } from "../core/model.js";
import { OutboxMessageError } from "../errors.js";
import type { AlertLine, AlertRuleGroup, AlertView } from "../messages/build-alert.js";
import {
  DIGEST_TOP_ACCOUNTS,
  type DigestAccountLine,
  type DigestReviewLine,
  type DigestRiskiest,
  type DigestView,
} from "../messages/build-digest.js";
import type {
  DecisionLineView,
  OwnerAccountView,
  OwnerMessageView,
} from "../messages/build-owner-messages.js";
import type { DisownedView } from "../messages/describe-disowned.js";
import type { ReroutedView } from "../messages/describe-reroute.js";
import {
  REVIEW_FOLLOW_UP_STAGES,
  type ReviewFollowUpOwner,
  type ReviewFollowUpView,
} from "../messages/review-follow-up-view.js";
import type { ReviewCampaignRef, ReviewMessageView } from "../messages/review-message-view.js";
import type { FollowUpAccount, FollowUpView } from "./enqueue-follow-ups.js";
import {
  array,
  boolean,
  type Codec,
  date,
  number,
  object,
  oneOf,
  optional,
  text,
  textAs,
  withDefault,
} from "./json-codec.js";
import { decodeMessageRef, encodeMessageRef, type MessageRef } from "./message-ref.js";

/** The admin channel's list of accounts: unowned ones, an unreachable owner's (rerouted), or a disowned one. */
export interface AdminAccountsView extends ReroutedView, DisownedView {
  accounts: OwnerAccountView[];
  /** The access review whose accounts nobody reachable owns: assigned owners are then asked to certify them. */
  review?: ReviewCampaignRef | undefined;
}

/** An in-place update of sent owner message `outboxId`, re-rendered from its stored view. */
export interface MessageUpdateView {
  outboxId: number;
}

/** What each kind of outbox message holds. */
export interface OutboxViews {
  owner_message: OwnerMessageView;
  unowned: AdminAccountsView;
  not_mine: AdminAccountsView;
  digest: DigestView;
  reminder: FollowUpView;
  escalation: FollowUpView;
  message_update: MessageUpdateView;
  alert: AlertView;
  review_request: ReviewMessageView;
  review_follow_up: ReviewFollowUpView;
}

export type OutboxKind = keyof OutboxViews;

/** One message of the outbox, typed by its kind. */
export type OutboxMessage = { [K in OutboxKind]: { kind: K; view: OutboxViews[K] } }[OutboxKind];

export type OutboxMessageOf<K extends OutboxKind> = Extract<OutboxMessage, { kind: K }>;

export const OUTBOX_KINDS: readonly OutboxKind[] = [
  "owner_message",
  "unowned",
  "digest",
  "reminder",
  "escalation",
  "not_mine",
  "message_update",
  "alert",
  "review_request",
  "review_follow_up",
];

const evidence = object<Evidence>({
  signal: textAs<Evidence["signal"]>(),
  detail: text,
  since: optional(date),
});

/**
 * A finding as a message shows it: what is rendered, and the end of an expired Keep (so the
 * finding is asked about again). Not its id or lifecycle: the findings table keeps those.
 */
const finding = object<Finding & { acceptedUntil?: Date | undefined }>({
  rule: oneOf(RULE_NAMES),
  severity: oneOf(["critical", "high", "medium", "low"]),
  summary: text,
  evidence: array(evidence),
  remediation: textAs<Finding["remediation"]>(),
  acceptedUntil: optional(date),
});

const decision = object<DecisionLineView>({
  decisionId: number,
  action: textAs<DecisionLineView["action"]>(),
  actor: text,
  actorRef: optional(object({ platform: text, id: text })),
  at: date,
  outcome: oneOf(["applied", "dry_run", "already", "failed", "ticketed"]),
  ticket: optional(object({ number: text, url: text, doneAt: optional(date) })),
  reason: optional(text),
  expiresAt: optional(date),
  error: optional(text),
  undoUntil: optional(date),
  detail: optional(text),
});

const account = object<OwnerAccountView>({
  source: text,
  sourceKind: optional(oneOf(["servicenow", "entra"])),
  accountId: text,
  userName: text,
  name: text,
  active: boolean,
  webServiceAccessOnly: boolean,
  findings: array(finding),
  risk: number,
  uniqueApiCalls7d: array(object({ method: text, path: text, count: number })),
  authMethods30d: optional(object({ basic: number, oauth: number, other: number })),
  sourceTitle: optional(text),
  usage: optional(array(object({ label: text, value: text }))),
  actions: array(oneOf(OWNER_ACTIONS)),
  link: optional(object({ title: text, url: text })),
  ticketMode: optional(boolean),
  decision: optional(decision),
  assigned: optional(object({ by: text, at: date })),
  campaignId: optional(number),
  certified: optional(object({ by: text, at: date, reason: text })),
});

const ownerMessage = object<OwnerMessageView>({
  owner: object<OwnerMessageView["owner"]>({
    id: text,
    userName: text,
    name: text,
    email: text,
    active: boolean,
    directoryId: optional(text),
  }),
  accounts: array(account),
  supersededBy: optional(object({ outboxId: number, sentAt: date })),
});

type Disowned = NonNullable<DisownedView["disowned"]>;

const reviewCampaign = object<ReviewCampaignRef>({
  id: number,
  startedAt: date,
  dueAt: date,
  defaultDecision: oneOf(["none", "disable"]),
  source: optional(text),
});

const reviewRequest = object<ReviewMessageView>({
  campaign: reviewCampaign,
  owner: object<ReviewMessageView["owner"]>({ email: text, name: text, directoryId: optional(text) }),
  accounts: array(account),
});

const reviewFollowUp = (platform: string) =>
  object<ReviewFollowUpView>({
    stage: oneOf(REVIEW_FOLLOW_UP_STAGES),
    campaign: reviewCampaign,
    replyTo: optional(replyTo(platform)),
    owners: array(
      object<ReviewFollowUpOwner>({
        email: optional(text),
        ref: optional(object({ platform: text, id: text })),
        accounts: array(object({ source: text, accountId: text, userName: text, name: text })),
        total: number,
        disabling: optional(number),
      }),
    ),
    totalOwners: number,
    mode: optional(oneOf(["apply", "dry-run", "ticket"])),
  });

const adminAccounts = object<AdminAccountsView>({
  accounts: array(account),
  review: optional(reviewCampaign),
  unreachableOwner: optional(text),
  reason: optional(text),
  ownerRetried: optional(boolean),
  disowned: optional(
    object<Disowned>({
      by: text,
      at: date,
      ownerOfRecord: optional(
        object<NonNullable<Disowned["ownerOfRecord"]>>({ name: optional(text), email: optional(text) }),
      ),
      ownerFrom: optional(oneOf(["source", "assigned"])),
      assignedBy: optional(text),
      source: optional(text),
    }),
  ),
});

type DigestScore = NonNullable<DigestView["score"]>;
type DigestLastScan = NonNullable<DigestView["lastScan"]>;

// Digests queued before warden read more than one source name no source: they were ServiceNow's.
const lineSource = withDefault(text, "servicenow");

const findingLine = object({
  source: lineSource,
  accountId: text,
  userName: text,
  rule: oneOf(RULE_NAMES),
  summary: text,
});

const accountLine = object<DigestAccountLine>({
  source: lineSource,
  accountId: text,
  userName: text,
  name: text,
  ownerName: optional(text),
  rules: array(oneOf(RULE_NAMES)),
  risk: number,
});

const riskiestNow = object<DigestRiskiest>({ top: array(accountLine), total: number });

/**
 * The digest's riskiest accounts: the top few and their count. Digests queued before that
 * carried every account with open findings, riskiest first, as a list: read as its first
 * DIGEST_TOP_ACCOUNTS and its length.
 */
const riskiest: Codec<DigestRiskiest> = {
  encode: (value) => riskiestNow.encode(value),
  decode(value, path) {
    if (!Array.isArray(value)) return riskiestNow.decode(value, path);
    return {
      top: value.slice(0, DIGEST_TOP_ACCOUNTS).map((line, i) => accountLine.decode(line, `${path}[${i}]`)),
      total: value.length,
    };
  },
};

const digest = object<DigestView>({
  generatedAt: date,
  lastScan: optional(
    object<DigestLastScan>({
      at: date,
      status: oneOf(["running", "succeeded", "failed"]),
      error: optional(text),
      problem: optional(text),
    }),
  ),
  score: optional(
    object<DigestScore>({
      value: number,
      previous: optional(number),
      reason: optional(text),
      population: number,
      risky: number,
      history: optional(array(number)),
    }),
  ),
  byRule: array(object({ rule: oneOf(RULE_NAMES), accounts: number, points: number })),
  bySource: optional(array(object({ source: text, value: number, population: number, risky: number }))),
  newFindings: array(findingLine),
  fixedFindings: array(findingLine),
  riskiest,
  unansweredOwners: array(object({ owner: text, accounts: number, since: date })),
  undelivered: optional(
    array(
      object({
        platform: text,
        kind: oneOf(OUTBOX_KINDS),
        recipient: text,
        since: date,
        lastError: text,
        retrying: boolean,
      }),
    ),
  ),
  reviews: optional(
    array(
      object<DigestReviewLine>({
        id: number,
        source: optional(text),
        dueAt: date,
        total: number,
        certified: number,
        disabled: number,
        reassigned: number,
        pending: number,
        overdue: number,
      }),
    ),
  ),
  blindSpots: array(
    object({ signal: textAs<DigestView["blindSpots"][number]["signal"]>(), table: text, reason: text }),
  ),
});

/** The original message a follow-up replies under, in the platform's reference shape. */
const replyTo = (platform: string): Codec<MessageRef> => ({
  encode: encodeMessageRef,
  decode: (value, path) => decodeMessageRef(platform, value, path),
});

/**
 * What a follow-up stores of each account: what it renders. Follow-ups queued before stored the
 * whole account view; reading one keeps these fields and drops the rest.
 */
const followUpAccount = object<FollowUpAccount>({
  source: text,
  accountId: text,
  userName: text,
  name: text,
  findings: array(object<FollowUpAccount["findings"][number]>({ rule: oneOf(RULE_NAMES) })),
});

const followUp = (platform: string) =>
  object<FollowUpView>({
    ownerEmail: text,
    ownerRef: optional(object({ platform: text, id: text })),
    replyTo: optional(replyTo(platform)),
    originalId: number,
    sentAt: date,
    accounts: array(followUpAccount),
  });

const messageUpdate = object<MessageUpdateView>({ outboxId: number });

const severity = oneOf(["critical", "high", "medium", "low"]);

const alert = object<AlertView>({
  generatedAt: date,
  sources: array(text),
  rules: array(
    object<AlertRuleGroup>({
      rule: oneOf(RULE_NAMES),
      total: number,
      accounts: array(
        object<AlertLine>({
          source: text,
          accountId: text,
          userName: text,
          name: text,
          ownerName: optional(text),
          ownerEmail: optional(text),
          severity,
          summary: text,
          evidence: array(text),
        }),
      ),
    }),
  ),
  total: number,
});

const codecs = (platform: string): { [K in OutboxKind]: Codec<OutboxViews[K]> } => ({
  owner_message: ownerMessage,
  unowned: adminAccounts,
  not_mine: adminAccounts,
  digest,
  reminder: followUp(platform),
  escalation: followUp(platform),
  message_update: messageUpdate,
  alert,
  review_request: reviewRequest,
  review_follow_up: reviewFollowUp(platform),
});

const isKind = (kind: string): kind is OutboxKind => (OUTBOX_KINDS as readonly string[]).includes(kind);

/**
 * The stored form of an outbox message (the outbox row's `payload`, as a JSON value): its view,
 * dates as ISO strings, only the fields a renderer reads. `platform` is the row's platform (a
 * follow-up's original message reference is that platform's).
 */
export function encodeOutboxMessage(platform: string, message: OutboxMessage): unknown {
  const codec = codecs(platform)[message.kind] as Codec<OutboxMessage["view"]>;
  return codec.encode(message.view);
}

/**
 * Reads a stored outbox message of `kind` back from its parsed JSON. One not of the kind's shape
 * is an OutboxMessageError (E_OUTBOX_MALFORMED) saying which field is wrong.
 */
export function decodeOutboxMessage(platform: string, kind: string, json: unknown): OutboxMessage {
  if (!isKind(kind)) {
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", `warden knows no outbox message of kind ${kind}`);
  }
  try {
    const view = (codecs(platform)[kind] as Codec<OutboxMessage["view"]>).decode(json, "view");
    return { kind, view } as OutboxMessage;
  } catch (error) {
    if (!(error instanceof OutboxMessageError)) throw error;
    throw new OutboxMessageError(
      "E_OUTBOX_MALFORMED",
      `the stored ${kind} message is malformed: ${error.message}`,
      { cause: error },
    );
  }
}
