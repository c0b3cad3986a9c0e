import { type OutboxItem, type OutboxRow, toItem } from "../outbox.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { isLivePayload } from "./live-payload.js";
import type { PgDb } from "./pg-db.js";

/** Rows read per page where every sent owner message of a platform is looked at. */
const PAGE = 500;

/**
 * src/store/list-live-owner-items.ts listLiveOwnerItems: the whole rows are read anyway, so the
 * live test (isLivePayload) runs on them here.
 */
export async function listLiveOwnerItems(
  db: PgDb,
  platform: string,
  recipient?: string,
): Promise<OutboxItem<"owner_message">[]> {
  const rows = await db.query<OutboxRow>(
    `SELECT * FROM outbox
      WHERE platform = $1 AND kind = 'owner_message' AND status = 'sent'
        AND ($2::text IS NULL OR recipient = $2)
      ORDER BY id`,
    [platform, recipient ?? null],
  );
  return rows
    .filter((row) => isLivePayload(row.payload))
    .map(toItem)
    .filter((item): item is OutboxItem<"owner_message"> => item.message?.kind === "owner_message");
}

/**
 * src/store/list-live-owner-items.ts listLiveOwnerRecipients. Telling live messages needs their
 * payloads (isLivePayload): they are read in keyset pages of the outbox's ids, a bounded batch at
 * a time, and only one row per recipient is kept. Ordered by byte order, as SQLite's BINARY.
 */
export async function listLiveOwnerRecipients(db: PgDb, platform: string): Promise<string[]> {
  const recipients = new Set<string>();
  for (let afterId = 0; ; ) {
    const page = await db.query<{ id: number; recipient: string; payload: string }>(
      `SELECT id, recipient, payload FROM outbox
        WHERE platform = $1 AND kind = 'owner_message' AND status = 'sent' AND id > $2
        ORDER BY id LIMIT $3`,
      [platform, afterId, PAGE],
    );
    for (const row of page) if (isLivePayload(row.payload)) recipients.add(row.recipient);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    afterId = last.id;
  }
  return [...recipients].sort(byteOrder);
}

/** src/store/list-live-owner-items.ts listLiveMessagesShowing. */
export async function listLiveMessagesShowing(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<number[]> {
  const rows = await db.query<{ id: number; payload: string }>(
    `SELECT o.id, o.payload FROM outbox o JOIN message_accounts m ON m.outbox_id = o.id
      WHERE m.source = $1 AND m.account_id = $2 AND o.kind = 'owner_message' AND o.status = 'sent'
      ORDER BY o.id`,
    [source, accountId],
  );
  return rows.filter((row) => isLivePayload(row.payload)).map((row) => row.id);
}

/** SQLite's BINARY collation: UTF-8 byte order (a JavaScript sort compares UTF-16 units). */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The live-owner-message methods of the outbox repository of the PostgreSQL store. */
export const LIVE_OWNER_ITEMS_PG = {
  listLiveOwnerItems,
  listLiveOwnerRecipients,
  listLiveMessagesShowing,
} satisfies Partial<PostgresQueries["outbox"]>;
