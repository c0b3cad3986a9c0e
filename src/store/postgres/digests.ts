import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** src/store/digests.ts recordDigest. */
export async function recordDigest(
  db: PgDb,
  digest: {
    platform: string;
    recipient: string;
    scanId: number | undefined;
    score: number | undefined;
    at: Date;
  },
): Promise<void> {
  await db.execute(
    "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES ($1, $2, $3, $4, $5)",
    [digest.platform, digest.recipient, digest.scanId ?? null, digest.score ?? null, digest.at.toISOString()],
  );
}

/** src/store/digests.ts lastDigestAt. */
export async function lastDigestAt(db: PgDb): Promise<Date | undefined> {
  const [row] = await db.query<{ at: string | null }>("SELECT max(posted_at) AS at FROM digests");
  return row?.at ? new Date(row.at) : undefined;
}

/** The digests repository of the PostgreSQL store. */
export const DIGESTS_PG = { recordDigest, lastDigestAt } satisfies Partial<PostgresQueries["digests"]>;
