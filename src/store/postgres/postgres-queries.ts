import { appendAudit, auditHead, lastEventAt, verifyAuditChain } from "./audit-log.js";
import { CHAT_USERS_PG } from "./chat-users.js";
import { CONVERSATIONS_PG } from "./conversation-refs.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { DIGESTS_PG } from "./digests.js";
import { SCHEDULE_PG } from "./job-slots.js";
import { OWNER_OVERRIDES_PG } from "./owner-overrides.js";
import { REVIEWS_PG } from "./reviews.js";
import { beatScan, claimScan, failScan, findRunningScan, recordScanFailure, startScan } from "./scans.js";
import { claimSourceInstance, getOrCreateSecret, getSourceInstance } from "./settings.js";

/**
 * The PostgreSQL store's queries, under the same repository and method names as SQLITE_QUERIES.
 * The port is under way: what is missing is listed by missingPostgresQueries.
 */
export const POSTGRES_QUERIES: PostgresQueries = {
  accounts: {},
  audit: { appendAudit, verifyAuditChain, auditHead, lastEventAt },
  digests: DIGESTS_PG,
  chatUsers: CHAT_USERS_PG,
  conversations: CONVERSATIONS_PG,
  decisions: {},
  tickets: {},
  findings: {},
  outbox: {},
  ownerOverrides: OWNER_OVERRIDES_PG,
  scans: { beatScan, claimScan, recordScanFailure, startScan, findRunningScan, failScan },
  reviews: { ...REVIEWS_PG },
  settings: { getOrCreateSecret, claimSourceInstance, getSourceInstance },
  retention: {},
  health: {},
  schedule: SCHEDULE_PG,
};
