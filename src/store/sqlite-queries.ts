import {
  listLatestAccountNamesPage,
  listLatestAccountsPage,
  loadActivityHistoryPage,
} from "./account-pages.js";
import {
  findAccount,
  listLatestAccounts,
  listScanAccounts,
  loadActivityHistory,
  matchAccount,
  resolveAccount,
} from "./accounts.js";
import { listAccountsShownTo } from "./accounts-shown-to.js";
import {
  auditHead,
  listAuditCheckpoints,
  planAuditArchive,
  readAuditEntries,
  recordAuditCheckpoint,
  removeArchivedAudit,
} from "./audit-archive.js";
import { readAuditExportRows } from "./audit-export-rows.js";
import { appendAudit, verifyAuditChain } from "./audit-log.js";
import { getUserTimeZone, saveUserTimeZone } from "./chat-user-time-zones.js";
import {
  chatUserCacheExpiresAt,
  forgetChatUser,
  forgetChatUserEmail,
  getCachedChatUser,
  getChatUserEmail,
  getChatUserId,
  saveChatUser,
  saveDmChannel,
} from "./chat-users.js";
import { checkDatabaseWritable } from "./check-writable.js";
import { checkpointDatabase } from "./checkpoint-database.js";
import { claimScan, recordScanFailure } from "./claim-scan.js";
import {
  findPersonalRef,
  getConversationRef,
  listTeamRefs,
  saveConversationRef,
} from "./conversation-refs.js";
import { countQueuedSince, outboxMark } from "./count-queued-since.js";
import { countRetryingDeliveries } from "./count-retrying-deliveries.js";
import {
  findOpenTicket,
  getDecisionTicket,
  listOpenTickets,
  markTicketDone,
  recordDecisionTicket,
} from "./decision-tickets.js";
import {
  claimDecision,
  completeDecision,
  getDecision,
  getLatestEffectiveDecision,
  listAccountDecisions,
  listPendingDecisions,
  recordDecisionBefore,
} from "./decisions.js";
import { listDigestAccountsPage, listDigestOwnerNames, listLatestUserNames } from "./digest-accounts.js";
import { lastDigestAt, recordDigest } from "./digests.js";
import { acceptFindings, listAccountFindings, listFindingChanges, listOpenFindings } from "./findings.js";
import { listDueFollowUps, listFollowUpAccounts, scheduleEscalation, stopFollowUps } from "./follow-ups.js";
import { hasDeliveredTo } from "./has-delivered-to.js";
import { hasMessagedBefore } from "./has-messaged.js";
import { hasPendingOwnerMessage } from "./has-pending-owner-message.js";
import { claimJobSlot, finishJobSlot, listAbandonedJobSlots, renewJobSlot } from "./job-slots.js";
import { lastEventAt } from "./last-event-at.js";
import { listFixedAccountsShown, markShownAccountAnswered } from "./list-fixed-accounts-shown.js";
import {
  listLiveMessagesShowing,
  listLiveOwnerItems,
  listLiveOwnerRecipients,
} from "./list-live-owner-items.js";
import { listOpenFindingsPage } from "./list-open-findings-page.js";
import { compactSupersededMessages, scheduleCompaction } from "./message-compactions.js";
import { hasEarlierScan, listNewFindings } from "./new-findings.js";
import {
  deferDue,
  enqueue,
  findMessageShowing,
  getOutboxItem,
  listDueOutbox,
  listOutbox,
  listUnansweredMessages,
  listUndelivered,
  markAccountAnswered,
  nextDueAt,
  outboxStatusOf,
  recordMessageAccounts,
  recordRefusal,
  recordRetry,
  retryWaitingNow,
  setOutboxMessage,
  setOutboxStatus,
} from "./outbox.js";
import { claimOutboxItem, listSendingItems, renewOutboxClaim } from "./outbox-claims.js";
import { listOwnedFindings } from "./owned-findings.js";
import {
  getOwnerAssignment,
  getOwnerOverride,
  listOwnerAssignments,
  listOwnerOverrides,
  setOwnerOverride,
} from "./owner-overrides.js";
import { postponeOutboxItem } from "./postpone-outbox-item.js";
import { pruneAccounts } from "./prune-accounts.js";
import { pruneDeliveredUpdates } from "./prune-delivered-updates.js";
import { pruneFindings } from "./prune-findings.js";
import { prunedMessage, pruneMessages } from "./prune-messages.js";
import { pruneScans } from "./prune-scans.js";
import {
  addReviewItems,
  answerReviewItems,
  closeReviewCampaign,
  countReviewItems,
  discardUnreadyCampaigns,
  getReviewCampaign,
  getReviewItem,
  latestCertification,
  listOwnerReviewItems,
  listPendingReviewOwners,
  listReviewCampaigns,
  listReviewItemsPage,
  listReviewMessages,
  listReviewReportPage,
  listSentReviewMessages,
  listUnaskedReviewItems,
  markReviewCampaignReady,
  markReviewFollowUp,
  openReviewCampaign,
  recordReviewMessage,
  setReviewItemOwner,
} from "./reviews.js";
import { finishScanWrite, saveScanResult } from "./save-scan-result.js";
import {
  beginScanWrite,
  endScanWrite,
  resolveUnseenFindings,
  writeScanAccounts,
  writeScanFindings,
} from "./scan-write.js";
import {
  beatScan,
  completeScan,
  failInterruptedScans,
  failScan,
  findRunningScan,
  listLatestScans,
  listPreviousScans,
  listScans,
  listScoreHistory,
  previousDigest,
  scanOfPreviousDigest,
  startScan,
} from "./scans.js";
import { getOrCreateSecret } from "./settings.js";
import { claimSourceInstance, getSourceInstance } from "./source-instance.js";
import { suggestAccounts } from "./suggest-accounts.js";
import { incrementalVacuum, truncateWal } from "./vacuum.js";

/**
 * The SQLite implementation of every repository, as functions of the database: the one table
 * createSqliteStore binds to a connection. A statement added to src/store/ becomes part of the store
 * port by being listed here; the port's types (src/store/store.ts) follow from this table.
 */
export const SQLITE_QUERIES = {
  accounts: {
    findAccount,
    listLatestAccounts,
    matchAccount,
    resolveAccount,
    listScanAccounts,
    loadActivityHistory,
    suggestAccounts,
    listDigestAccountsPage,
    listDigestOwnerNames,
    listLatestUserNames,
    listLatestAccountsPage,
    listLatestAccountNamesPage,
    loadActivityHistoryPage,
    listOwnedFindings,
  },
  audit: {
    appendAudit,
    verifyAuditChain,
    readAuditExportRows,
    lastEventAt,
    planAuditArchive,
    readAuditEntries,
    recordAuditCheckpoint,
    removeArchivedAudit,
    listAuditCheckpoints,
    auditHead,
  },
  digests: { recordDigest, lastDigestAt },
  chatUsers: {
    getUserTimeZone,
    saveUserTimeZone,
    getChatUserId,
    getChatUserEmail,
    chatUserCacheExpiresAt,
    saveChatUser,
    forgetChatUser,
    getCachedChatUser,
    saveDmChannel,
    forgetChatUserEmail,
  },
  conversations: { saveConversationRef, getConversationRef, findPersonalRef, listTeamRefs },
  decisions: {
    listAccountDecisions,
    getDecision,
    claimDecision,
    recordDecisionBefore,
    getLatestEffectiveDecision,
    listPendingDecisions,
    completeDecision,
  },
  tickets: { recordDecisionTicket, getDecisionTicket, findOpenTicket, listOpenTickets, markTicketDone },
  findings: {
    listOpenFindings,
    listOpenFindingsPage,
    listFindingChanges,
    listAccountFindings,
    acceptFindings,
    listNewFindings,
  },
  outbox: {
    enqueue,
    listOutbox,
    listDueOutbox,
    outboxStatusOf,
    getOutboxItem,
    setOutboxStatus,
    claimOutboxItem,
    renewOutboxClaim,
    listSendingItems,
    recordRetry,
    recordRefusal,
    retryWaitingNow,
    deferDue,
    nextDueAt,
    listUndelivered,
    recordMessageAccounts,
    findMessageShowing,
    setOutboxMessage,
    markAccountAnswered,
    listUnansweredMessages,
    listDueFollowUps,
    listFollowUpAccounts,
    scheduleEscalation,
    stopFollowUps,
    outboxMark,
    countQueuedSince,
    hasMessagedBefore,
    listAccountsShownTo,
    countRetryingDeliveries,
    hasDeliveredTo,
    hasPendingOwnerMessage,
    listLiveOwnerItems,
    listLiveOwnerRecipients,
    listLiveMessagesShowing,
    listFixedAccountsShown,
    markShownAccountAnswered,
    postponeOutboxItem,
    prunedMessage,
    scheduleCompaction,
  },
  ownerOverrides: {
    getOwnerOverride,
    getOwnerAssignment,
    setOwnerOverride,
    listOwnerOverrides,
    listOwnerAssignments,
  },
  scans: {
    beatScan,
    claimScan,
    recordScanFailure,
    startScan,
    findRunningScan,
    failScan,
    failInterruptedScans,
    listLatestScans,
    listPreviousScans,
    listScans,
    listScoreHistory,
    previousDigest,
    completeScan,
    scanOfPreviousDigest,
    hasEarlierScan,
    saveScanResult,
    writeScanAccounts,
    writeScanFindings,
    resolveUnseenFindings,
    finishScanWrite,
    beginScanWrite,
    endScanWrite,
    checkpointDatabase,
  },
  reviews: {
    openReviewCampaign,
    addReviewItems,
    markReviewCampaignReady,
    discardUnreadyCampaigns,
    getReviewCampaign,
    listReviewCampaigns,
    closeReviewCampaign,
    answerReviewItems,
    listReviewItemsPage,
    listOwnerReviewItems,
    getReviewItem,
    setReviewItemOwner,
    countReviewItems,
    markReviewFollowUp,
    latestCertification,
    listUnaskedReviewItems,
    listPendingReviewOwners,
    recordReviewMessage,
    listReviewMessages,
    listSentReviewMessages,
    listReviewReportPage,
  },
  settings: { getOrCreateSecret, claimSourceInstance, getSourceInstance },
  retention: {
    pruneMessages,
    pruneDeliveredUpdates,
    compactSupersededMessages,
    pruneFindings,
    pruneAccounts,
    pruneScans,
    incrementalVacuum,
    truncateWal,
  },
  health: { checkDatabaseWritable },
  schedule: { claimJobSlot, renewJobSlot, finishJobSlot, listAbandonedJobSlots },
} as const;
