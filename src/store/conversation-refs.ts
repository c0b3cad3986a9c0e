import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/** Teams conversation types warden keeps references for (`conversation.conversationType`). */
export type ConversationKind = "personal" | "channel" | "groupChat";

/**
 * What warden needs to message a conversation later. `reference` is the platform's own
 * conversation reference as JSON (botbuilder's `ConversationReference` for Teams); the store keeps
 * it opaque so it does not depend on the bot SDK.
 */
export interface ConversationRef {
  platform: string;
  conversationId: string;
  kind: ConversationKind;
  /** The user of a personal conversation (Teams "29:…" id). */
  userId: string | undefined;
  aadObjectId: string | undefined;
  /** The team a channel conversation belongs to: its roster resolves owners by email. */
  teamId: string | undefined;
  tenantId: string | undefined;
  serviceUrl: string;
  reference: Record<string, unknown>;
  updatedAt: Date;
}

/** A conversation_refs row as both backends read it. */
export interface ConversationRefRow {
  platform: string;
  conversation_id: string;
  kind: ConversationKind;
  user_id: string | null;
  aad_object_id: string | null;
  team_id: string | null;
  tenant_id: string | null;
  service_url: string;
  reference: string;
  updated_at: string;
}

export const toRef = (row: ConversationRefRow): ConversationRef => ({
  platform: row.platform,
  conversationId: row.conversation_id,
  kind: row.kind,
  userId: row.user_id ?? undefined,
  aadObjectId: row.aad_object_id ?? undefined,
  teamId: row.team_id ?? undefined,
  tenantId: row.tenant_id ?? undefined,
  serviceUrl: row.service_url,
  reference: JSON.parse(row.reference) as Record<string, unknown>,
  updatedAt: new Date(row.updated_at),
});

/**
 * Saves (or refreshes) a conversation reference. Teams says the service URL "is stable but can
 * change" and bots must check it on every incoming activity
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context):
 * it is per tenant and region, so a new one is also written into every other reference of the
 * same tenant, which proactive sends would otherwise post to the old URL.
 */
export function saveConversationRef(db: Database, ref: Omit<ConversationRef, "updatedAt">, at: Date): void {
  writeTransaction(db, () => {
    db.prepare(
      `INSERT INTO conversation_refs
         (platform, conversation_id, kind, user_id, aad_object_id, team_id, tenant_id, service_url, reference, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, conversation_id) DO UPDATE SET
         kind = excluded.kind,
         user_id = coalesce(excluded.user_id, user_id),
         aad_object_id = coalesce(excluded.aad_object_id, aad_object_id),
         team_id = coalesce(excluded.team_id, team_id),
         tenant_id = coalesce(excluded.tenant_id, tenant_id),
         service_url = excluded.service_url,
         reference = excluded.reference,
         updated_at = excluded.updated_at`,
    ).run(
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
    );
    if (ref.tenantId !== undefined) {
      db.prepare(
        `UPDATE conversation_refs SET service_url = ?, reference = json_set(reference, '$.serviceUrl', ?)
         WHERE platform = ? AND tenant_id = ? AND service_url != ?`,
      ).run(ref.serviceUrl, ref.serviceUrl, ref.platform, ref.tenantId, ref.serviceUrl);
    }
  });
}

/** The reference of one conversation (a channel id for TEAMS_DIGEST_CHANNEL/TEAMS_ADMIN_CHANNEL). */
export function getConversationRef(
  db: Database,
  platform: string,
  conversationId: string,
): ConversationRef | undefined {
  const row = db
    .prepare("SELECT * FROM conversation_refs WHERE platform = ? AND conversation_id = ?")
    .get(platform, conversationId) as ConversationRefRow | undefined;
  return row ? toRef(row) : undefined;
}

/** The 1:1 conversation with a user, found by AAD object id or Teams user id; the newest wins. */
export function findPersonalRef(
  db: Database,
  platform: string,
  user: { aadObjectId?: string | undefined; userId?: string | undefined },
): ConversationRef | undefined {
  const row = db
    .prepare(
      `SELECT * FROM conversation_refs
       WHERE platform = ? AND kind = 'personal' AND (aad_object_id = ? OR user_id = ?)
       ORDER BY updated_at DESC LIMIT 1`,
    )
    .get(platform, user.aadObjectId ?? null, user.userId ?? null) as ConversationRefRow | undefined;
  return row ? toRef(row) : undefined;
}

/**
 * One channel reference per team where the bot is installed, most recently seen first: a team's
 * roster is where owners are looked up by email (Teams cannot message by email or UPN:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages),
 * and an owner may be in any of them.
 */
export function listTeamRefs(db: Database, platform: string): ConversationRef[] {
  const rows = db
    .prepare(
      `SELECT * FROM conversation_refs WHERE platform = ? AND team_id IS NOT NULL
       ORDER BY updated_at DESC, rowid DESC`,
    )
    .all(platform) as ConversationRefRow[];
  return firstRefPerTeam(rows);
}

/** The first of `rows` (most recently seen first) of each team, as references. */
export function firstRefPerTeam(rows: readonly ConversationRefRow[]): ConversationRef[] {
  const seen = new Set<string>();
  return rows.map(toRef).filter((ref) => {
    if (seen.has(ref.teamId ?? "")) return false;
    seen.add(ref.teamId ?? "");
    return true;
  });
}
