import { appendAudit, auditHead, lastEventAt, verifyAuditChain } from "./audit-log.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { claimScan, failScan, findRunningScan, recordScanFailure, startScan } from "./scans.js";
import { claimSourceInstance, getOrCreateSecret, getSourceInstance } from "./settings.js";

/**
 * The PostgreSQL store's queries, under the same repository and method names as SQLITE_QUERIES.
 * The port is under way: what is missing is listed by missingPostgresQueries.
 */
export const POSTGRES_QUERIES: PostgresQueries = {
  accounts: {},
  audit: { appendAudit, verifyAuditChain, auditHead, lastEventAt },
  digests: {},
  chatUsers: {},
  conversations: {},
  decisions: {},
  tickets: {},
  findings: {},
  outbox: {},
  ownerOverrides: {},
  scans: { claimScan, recordScanFailure, startScan, findRunningScan, failScan },
  reviews: {},
  settings: { getOrCreateSecret, claimSourceInstance, getSourceInstance },
  retention: {},
  health: {},
};
