import { ACCOUNT_PAGES_PG } from "./account-pages.js";
import { ACCOUNTS_PG } from "./accounts.js";
import { ACCOUNTS_SHOWN_TO_PG } from "./accounts-shown-to.js";
import { AUDIT_ARCHIVE_PG } from "./audit-archive.js";
import { AUDIT_EXPORT_ROWS_PG } from "./audit-export-rows.js";
import { appendAudit, auditHead, lastEventAt, verifyAuditChain } from "./audit-log.js";
import { CHAT_USERS_PG } from "./chat-users.js";
import { HEALTH_PG } from "./check-writable.js";
import { CONVERSATIONS_PG } from "./conversation-refs.js";
import { countQueuedSince, outboxMark } from "./count-queued-since.js";
import { countRetryingDeliveries } from "./count-retrying-deliveries.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { TICKETS_PG } from "./decision-tickets.js";
import { DECISIONS_PG } from "./decisions.js";
import { DIGEST_ACCOUNTS_PG } from "./digest-accounts.js";
import { DIGESTS_PG } from "./digests.js";
import { FINDINGS_PG } from "./findings.js";
import { FOLLOW_UPS_PG } from "./follow-ups.js";
import { hasDeliveredTo } from "./has-delivered-to.js";
import { hasMessagedBefore } from "./has-messaged.js";
import { hasPendingOwnerMessage } from "./has-pending-owner-message.js";
import { SCHEDULE_PG } from "./job-slots.js";
import { FIXED_ACCOUNTS_SHOWN_PG } from "./list-fixed-accounts-shown.js";
import { LIVE_OWNER_ITEMS_PG } from "./list-live-owner-items.js";
import { MESSAGE_COMPACTIONS_OUTBOX_PG, MESSAGE_COMPACTIONS_RETENTION_PG } from "./message-compactions.js";
import { hasEarlierScan } from "./new-findings.js";
import { OUTBOX_PG } from "./outbox.js";
import { OUTBOX_CLAIMS_PG } from "./outbox-claims.js";
import { listOwnedFindings } from "./owned-findings.js";
import { OWNER_OVERRIDES_PG } from "./owner-overrides.js";
import { postponeOutboxItem } from "./postpone-outbox-item.js";
import { PRUNE_DELIVERED_UPDATES_PG } from "./prune-delivered-updates.js";
import { PRUNE_MESSAGES_PG, PRUNED_MESSAGE_PG } from "./prune-messages.js";
import { REVIEWS_PG } from "./reviews.js";
import { SAVE_SCAN_RESULT_PG } from "./save-scan-result.js";
import { SCAN_WRITE_PG } from "./scan-write.js";
import { SCANS_PG } from "./scans.js";
import { claimSourceInstance, getOrCreateSecret, getSourceInstance } from "./settings.js";
import { SUGGEST_ACCOUNTS_PG } from "./suggest-accounts.js";
import { RETENTION_PG } from "./vacuum.js";

/**
 * The PostgreSQL store's queries, under the same repository and method names as SQLITE_QUERIES.
 */
export const POSTGRES_QUERIES: PostgresQueries = {
  accounts: {
    ...ACCOUNTS_PG,
    ...ACCOUNT_PAGES_PG,
    ...SUGGEST_ACCOUNTS_PG,
    ...DIGEST_ACCOUNTS_PG,
    listOwnedFindings,
  },
  audit: {
    appendAudit,
    verifyAuditChain,
    auditHead,
    lastEventAt,
    ...AUDIT_ARCHIVE_PG,
    ...AUDIT_EXPORT_ROWS_PG,
  },
  digests: DIGESTS_PG,
  chatUsers: CHAT_USERS_PG,
  conversations: CONVERSATIONS_PG,
  decisions: DECISIONS_PG,
  tickets: TICKETS_PG,
  findings: FINDINGS_PG,
  outbox: {
    ...OUTBOX_PG,
    ...OUTBOX_CLAIMS_PG,
    postponeOutboxItem,
    outboxMark,
    countQueuedSince,
    countRetryingDeliveries,
    hasDeliveredTo,
    hasMessagedBefore,
    hasPendingOwnerMessage,
    ...FOLLOW_UPS_PG,
    ...LIVE_OWNER_ITEMS_PG,
    ...FIXED_ACCOUNTS_SHOWN_PG,
    ...ACCOUNTS_SHOWN_TO_PG,
    ...MESSAGE_COMPACTIONS_OUTBOX_PG,
    ...PRUNED_MESSAGE_PG,
  },
  ownerOverrides: OWNER_OVERRIDES_PG,
  scans: { ...SCANS_PG, ...SCAN_WRITE_PG, ...SAVE_SCAN_RESULT_PG, hasEarlierScan },
  reviews: REVIEWS_PG,
  settings: { getOrCreateSecret, claimSourceInstance, getSourceInstance },
  retention: {
    ...PRUNE_MESSAGES_PG,
    ...PRUNE_DELIVERED_UPDATES_PG,
    ...MESSAGE_COMPACTIONS_RETENTION_PG,
    ...RETENTION_PG,
  },
  health: HEALTH_PG,
  schedule: SCHEDULE_PG,
};
