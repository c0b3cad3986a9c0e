import type { GraphClient } from "./graph-client.js";
import { GraphError } from "./graph-error.js";
import type { GraphApplication, GraphKeyCredential, GraphPasswordCredential } from "./graph-types.js";
import { parseGraphDate } from "./parse-graph-date.js";

/** The application paths remediation reads and writes (object id, or appId as alternate key). */
export const applicationPath = (objectId: string) => `/v1.0/applications/${encodeURIComponent(objectId)}`;
export const applicationByAppIdPath = (appId: string) =>
  `/v1.0/applications(appId='${encodeURIComponent(appId)}')`;

/**
 * What remediation reads of an application. `keyCredentials` on a single object returns each
 * certificate's `key`, which the PATCH below must send back for the certificates it keeps
 * (https://learn.microsoft.com/en-us/graph/api/resources/keycredential).
 */
export const APPLICATION_CREDENTIAL_FIELDS = "id,appId,passwordCredentials,keyCredentials";

/** The value recorded when no credential of the application is expired. */
export const NO_EXPIRED_CREDENTIALS = "none";

type Expirable = Pick<GraphPasswordCredential, "endDateTime">;

const isExpired = (credential: Expirable, now: number): boolean => {
  const end = parseGraphDate(credential.endDateTime);
  return end !== undefined && end.getTime() <= now;
};

/** The application's secrets and certificates that are expired at `now`. */
export function expiredCredentialsOf(
  app: Pick<GraphApplication, "passwordCredentials" | "keyCredentials">,
  now: number,
): { secrets: GraphPasswordCredential[]; certificates: GraphKeyCredential[] } {
  return {
    secrets: (app.passwordCredentials ?? []).filter((c) => isExpired(c, now)),
    certificates: (app.keyCredentials ?? []).filter((c) => isExpired(c, now)),
  };
}

const day = (value: string | null | undefined) => parseGraphDate(value)?.toISOString().slice(0, 10) ?? "?";

/**
 * The expired credentials in words, for the decision's before/after: type, keyId, name, the
 * secret's hint (its first characters, as Graph shows them) and end date. Never a secret, and
 * never a certificate's key. "none" when nothing is expired.
 */
export function describeExpiredCredentials(
  app: Pick<GraphApplication, "passwordCredentials" | "keyCredentials">,
  now: number,
): string {
  const { secrets, certificates } = expiredCredentialsOf(app, now);
  const name = (n: string | null | undefined) => (n ? ` "${n}"` : "");
  const parts = [
    ...secrets.map(
      (s) =>
        `secret ${s.keyId}${name(s.displayName)}${s.hint ? ` hint ${s.hint}…` : ""} ended ${day(s.endDateTime)}`,
    ),
    ...certificates.map((c) => `certificate ${c.keyId}${name(c.displayName)} ended ${day(c.endDateTime)}`),
  ];
  return parts.length === 0 ? NO_EXPIRED_CREDENTIALS : parts.join("; ");
}

/** The fields of a keyCredential that a PATCH of the collection sends back for a kept certificate. */
function keptCertificate(c: GraphKeyCredential, appId: string): Record<string, unknown> {
  if (typeof c.key !== "string" || c.key === "") {
    // Without its key a kept certificate would be dropped (or refused) by the PATCH: not written.
    throw new GraphError(
      "E_SOURCE_MALFORMED",
      `Entra GET ${applicationPath(appId)} did not return the key of certificate ${c.keyId}, so the expired certificates cannot be removed without deleting it too. Nothing was written.`,
      { status: 200, method: "GET", url: applicationPath(appId) },
    );
  }
  return {
    keyId: c.keyId,
    type: c.type,
    usage: c.usage,
    key: c.key,
    displayName: c.displayName,
    startDateTime: c.startDateTime,
    endDateTime: c.endDateTime,
    ...(c.customKeyIdentifier ? { customKeyIdentifier: c.customKeyIdentifier } : {}),
  };
}

/**
 * Removes the application's credentials expired at `now`, read just before, each write sent once:
 * - a secret with POST /applications/{id}/removePassword {keyId}, 204
 *   (https://learn.microsoft.com/en-us/graph/api/application-removepassword); secrets cannot be
 *   changed by PATCH (https://learn.microsoft.com/en-us/graph/api/application-update);
 * - certificates with one PATCH /applications/{id} of the remaining keyCredentials. removeKey needs
 *   a proof-of-possession JWT signed with one of the app's own valid certificates, which warden
 *   does not hold (https://learn.microsoft.com/en-us/graph/api/application-removekey); "Update
 *   application operations can continue to be used to add and update key credentials for any
 *   application" (https://learn.microsoft.com/en-us/graph/api/application-addkey). Confirmed in
 *   the docs: both statements. Not confirmed: that the PATCH replaces the collection and needs each
 *   kept certificate's `key`; warden assumes so and sends them all, or writes nothing.
 * Returns how many credentials were removed (0: nothing was expired any more, nothing written).
 */
export async function removeExpiredCredentials(
  graph: GraphClient,
  appId: string,
  now: number,
): Promise<number> {
  const app = await graph.get<GraphApplication>(applicationByAppIdPath(appId), {
    $select: APPLICATION_CREDENTIAL_FIELDS,
  });
  const { secrets, certificates } = expiredCredentialsOf(app, now);
  // Checked before anything is written, so a missing key never leaves a half-done removal.
  const expired = new Set(certificates.map((c) => c.keyId));
  const kept =
    certificates.length === 0
      ? []
      : (app.keyCredentials ?? [])
          .filter((c) => !expired.has(c.keyId))
          .map((c) => keptCertificate(c, app.id));
  for (const secret of secrets) {
    await graph.write("POST", `${applicationPath(app.id)}/removePassword`, { keyId: secret.keyId });
  }
  if (certificates.length > 0) {
    await graph.write("PATCH", applicationPath(app.id), { keyCredentials: kept });
  }
  return secrets.length + certificates.length;
}
