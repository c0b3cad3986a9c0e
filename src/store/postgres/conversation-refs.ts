import {
  type ConversationRef,
  type ConversationRefRow,
  firstRefPerTeam,
  toRef,
} from "../conversation-refs.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * The first key of the (int, int) advisory lock a save takes on one tenant's references ("conv");
 * the second is a hash of the platform and tenant id.
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
const TENANT_REFS_LOCK = 0x636f6e76;

/**
 * src/store/conversation-refs.ts saveConversationRef. Under READ COMMITTED, two saves of one tenant
 * with two service URLs would each rewrite the other references they can see but not the other's
 * uncommitted row, leaving the tenant with both URLs; an advisory lock on the tenant makes them take
 * turns, so the last one's URL is everywhere, as with SQLite's write lock. The existing row is named
 * by its table in DO UPDATE (a bare column is ambiguous with `excluded` there).
 */
export async function saveConversationRef(
  db: PgDb,
  ref: Omit<ConversationRef, "updatedAt">,
  at: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (ref.tenantId !== undefined) {
      await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [
        TENANT_REFS_LOCK,
        JSON.stringify([ref.platform, ref.tenantId]),
      ]);
    }
    await tx.execute(
      `INSERT INTO conversation_refs
         (platform, conversation_id, kind, user_id, aad_object_id, team_id, tenant_id, service_url, reference, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (platform, conversation_id) DO UPDATE SET
         kind = excluded.kind,
         user_id = coalesce(excluded.user_id, conversation_refs.user_id),
         aad_object_id = coalesce(excluded.aad_object_id, conversation_refs.aad_object_id),
         team_id = coalesce(excluded.team_id, conversation_refs.team_id),
         tenant_id = coalesce(excluded.tenant_id, conversation_refs.tenant_id),
         service_url = excluded.service_url,
         reference = excluded.reference,
         updated_at = excluded.updated_at`,
      [
        ref.platform,
        ref.conversationId,
        ref.kind,
        ref.userId ?? null,
        ref.aadObjectId ?? null,
        ref.teamId ?? null,
        ref.tenantId ?? null,
        ref.serviceUrl,
        JSON.stringify(ref.reference),
        at.toISOString(),
      ],
    );
    if (ref.tenantId !== undefined) {
      // SQLite's json_set(reference, '$.serviceUrl', ?): the text is jsonb's (keys reordered), the JSON the same.
      await tx.execute(
        `UPDATE conversation_refs
            SET service_url = $1, reference = jsonb_set(reference::jsonb, '{serviceUrl}', to_jsonb($1::text))::text
          WHERE platform = $2 AND tenant_id = $3 AND service_url != $1`,
        [ref.serviceUrl, ref.platform, ref.tenantId],
      );
    }
  });
}

/** src/store/conversation-refs.ts getConversationRef. */
export async function getConversationRef(
  db: PgDb,
  platform: string,
  conversationId: string,
): Promise<ConversationRef | undefined> {
  const [row] = await db.query<ConversationRefRow>(
    "SELECT * FROM conversation_refs WHERE platform = $1 AND conversation_id = $2",
    [platform, conversationId],
  );
  return row ? toRef(row) : undefined;
}

/** src/store/conversation-refs.ts findPersonalRef. */
export async function findPersonalRef(
  db: PgDb,
  platform: string,
  user: { aadObjectId?: string | undefined; userId?: string | undefined },
): Promise<ConversationRef | undefined> {
  const [row] = await db.query<ConversationRefRow>(
    `SELECT * FROM conversation_refs
     WHERE platform = $1 AND kind = 'personal' AND (aad_object_id = $2 OR user_id = $3)
     ORDER BY updated_at DESC LIMIT 1`,
    [platform, user.aadObjectId ?? null, user.userId ?? null],
  );
  return row ? toRef(row) : undefined;
}

/**
 * src/store/conversation-refs.ts listTeamRefs. SQLite breaks a tie of updated_at by rowid (the
 * reference first inserted last); the table has no such column here, and a tuple's ctid moves on
 * every update, so a tie is broken by conversation id instead.
 */
export async function listTeamRefs(db: PgDb, platform: string): Promise<ConversationRef[]> {
  const rows = await db.query<ConversationRefRow>(
    `SELECT * FROM conversation_refs WHERE platform = $1 AND team_id IS NOT NULL
     ORDER BY updated_at DESC, conversation_id DESC`,
    [platform],
  );
  return firstRefPerTeam(rows);
}

/** The conversations repository of the PostgreSQL store. */
export const CONVERSATIONS_PG = {
  saveConversationRef,
  getConversationRef,
  findPersonalRef,
  listTeamRefs,
} satisfies Partial<PostgresQueries["conversations"]>;
