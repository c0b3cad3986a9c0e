import pg from "pg";
import { redactUrl } from "../redact-url.js";
import { MIGRATIONS } from "../store/migrations.js";
import type { DoctorCheck } from "./doctor-types.js";

/** How long the doctor waits for the server before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 10_000;

const check = (name: string, status: DoctorCheck["status"], detail: string): DoctorCheck => ({
  area: "database",
  name,
  status,
  detail,
});

/**
 * The PostgreSQL database at WARDEN_DATABASE_URL: reachable with its credentials, migrated to this
 * warden's schema, a primary (a standby cannot take writes), and whether this warden's PostgreSQL
 * store can serve yet. Read-only: one connection, SELECTs only.
 */
export async function checkPostgresDatabase(url: string): Promise<DoctorCheck[]> {
  const shown = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    return [
      check(
        "connect",
        "fail",
        `Cannot connect to ${shown} (WARDEN_DATABASE_URL): ${redactUrl((error as Error).message)}. Check the host, port, database name and credentials.`,
      ),
    ];
  }
  try {
    const checks: DoctorCheck[] = [];
    const [server] = (
      await client.query<{ version: string; standby: boolean; database: string; user: string }>(
        "SELECT current_setting('server_version') AS version, pg_is_in_recovery() AS standby, current_database() AS database, current_user AS user",
      )
    ).rows;
    checks.push(check("connect", "pass", `PostgreSQL ${server?.version} at ${shown}, as ${server?.user}.`));
    if (server?.standby) {
      checks.push(
        check(
          "writable",
          "fail",
          "The server is a read-only standby: point WARDEN_DATABASE_URL at the primary (every replica of warden writes).",
        ),
      );
    }
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    // Two queries: a subquery naming a missing table fails at parse time, whatever a CASE says.
    const [table] = (
      await client.query<{ exists: boolean }>("SELECT to_regclass('warden_schema') IS NOT NULL AS exists")
    ).rows;
    const [schema] = table?.exists
      ? (await client.query<{ version: number | null }>("SELECT max(version) AS version FROM warden_schema"))
          .rows
      : [];
    const version = schema?.version ?? 0;
    if (version === latest) checks.push(check("schema", "pass", `Schema version ${version}, this warden's.`));
    else if (version > latest)
      checks.push(
        check(
          "schema",
          "fail",
          `Schema version ${version} is newer than this warden knows (${latest}): upgrade warden before it serves this database.`,
        ),
      );
    else
      checks.push(
        check(
          "schema",
          "warn",
          `Schema version ${version} of ${latest}: run warden migrate (as a one-off job before the rollout), or let the first replica migrate it.`,
        ),
      );
    return checks;
  } catch (error) {
    return [check("connect", "fail", `${shown}: ${redactUrl((error as Error).message)}`)];
  } finally {
    await client.end().catch(() => {});
  }
}
