import type { Database } from "better-sqlite3";

/** Notes that a digest was posted (its scan and score become the trend's previous point). */
export function recordDigest(
  db: Database,
  digest: {
    platform: string;
    recipient: string;
    scanId: number | undefined;
    score: number | undefined;
    at: Date;
  },
): void {
  db.prepare(
    "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES (?, ?, ?, ?, ?)",
  ).run(
    digest.platform,
    digest.recipient,
    digest.scanId ?? null,
    digest.score ?? null,
    digest.at.toISOString(),
  );
}

/** When the last digest was posted, for the scheduler's catch-up of a missed slot. */
export function lastDigestAt(db: Database): Date | undefined {
  const at = db.prepare("SELECT max(posted_at) FROM digests").pluck().get() as string | null;
  return at ? new Date(at) : undefined;
}
