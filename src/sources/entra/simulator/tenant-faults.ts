/**
 * Fault switches of the simulated tenant, so tests can break it the ways Entra and Graph do.
 * Scripted faults apply to the next `times` requests whose path starts with `path`.
 */
export type ScriptedTenantFault =
  | { kind: "throttle"; retryAfterSeconds?: number }
  | { kind: "status"; status: number }
  | { kind: "html" }
  | { kind: "malformed" }
  /** Expires every token issued so far, then serves the request (which then gets 401). */
  | { kind: "expire_tokens" };

interface Armed {
  path: string;
  times: number;
  fault: ScriptedTenantFault;
}

export class TenantFaults {
  private armed: Armed[] = [];
  /** No Entra ID P1/P2 licence: the sign-in activity reports answer 403 as Graph does. */
  noPremiumLicence = false;
  /** Paths (prefixes) whose @odata.nextLink points back at the page just served. */
  repeatingNextLink = new Set<string>();
  /** The largest `$top` the sign-in activity reports accept; a bigger one answers 400 (undocumented limit). */
  reportTopLimit: number | undefined = undefined;
  /** Milliseconds added before every answer (the bench's network latency). */
  latencyMs = 0;

  /** Arms `fault` for the next `times` requests under `path` (e.g. "/v1.0/applications"). */
  next(path: string, fault: ScriptedTenantFault, times = 1): void {
    this.armed.push({ path, times, fault });
  }

  /** The fault to apply to a request for `path`, consuming one use. */
  take(path: string): ScriptedTenantFault | undefined {
    const found = this.armed.find((a) => a.times > 0 && path.startsWith(a.path));
    if (!found) return undefined;
    found.times--;
    this.armed = this.armed.filter((a) => a.times > 0);
    return found.fault;
  }

  clear(): void {
    this.armed = [];
    this.noPremiumLicence = false;
    this.repeatingNextLink.clear();
    this.latencyMs = 0;
    this.reportTopLimit = undefined;
  }
}
