import type { RawRecord, ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { DoctorCheck } from "../doctor-types.js";
import { errorMessage } from "./describe-error.js";
import type { TableProbe } from "./table-probes.js";

/**
 * The newest row (found by its exact sys_created_on, one bounded request; a fallback date field
 * where the table has none) must carry every field
 * warden reads: ServiceNow silently drops unknown fields from sysparm_fields, so a missing key
 * means the instance has no such column (or an ACL hides it).
 */
export async function probeFields(
  client: ServiceNowClient,
  probe: TableProbe,
  newest: string | undefined,
): Promise<DoctorCheck> {
  const name = `fields of ${probe.table}`;
  const inconclusive = (why: string): DoctorCheck => ({
    area: "servicenow",
    name,
    status: "warn",
    detail: `Could not check ${probe.fields.join(", ")}: ${why}.`,
  });
  let anchor = "sys_created_on";
  let value = newest;
  try {
    if (value === undefined && probe.fallbackAnchor !== undefined) {
      anchor = probe.fallbackAnchor;
      const rows = await client.aggregate(probe.table, {
        ...(probe.query ? { query: probe.query } : {}),
        max: [anchor],
      });
      value = rows[0]?.max[anchor] || undefined;
    }
  } catch (error) {
    return inconclusive(errorMessage(error));
  }
  if (value === undefined) return inconclusive(`the Aggregate API gave no newest ${anchor}`);
  let rows: RawRecord[];
  try {
    rows = await client.findByField(probe.table, anchor, value, probe.fields);
  } catch (error) {
    return inconclusive(errorMessage(error));
  }
  const row = rows[0];
  if (!row) return inconclusive("the newest row is hidden from the bot account");
  const missing = probe.fields.filter((field) => !(field in row));
  if (missing.length === 0) {
    return { area: "servicenow", name, status: "pass", detail: `Present: ${probe.fields.join(", ")}.` };
  }
  return {
    area: "servicenow",
    name,
    status: "warn",
    detail: `The instance has no column ${missing.join(", ")} on ${probe.table} (or an ACL hides it): ${missing.map((f) => fieldConsequence(probe.table, f)).join("; ")}. Adjust the ServiceNow mapping if the instance names it differently.`,
  };
}

function fieldConsequence(table: string, field: string): string {
  if (table === "syslog_transaction" && field === "http_method")
    return "unique API calls will show method * (path only)";
  if (table === "sys_user" && field === "web_service_access_only")
    return "web-service-only accounts cannot be discovered nor restricted";
  if (table === "sys_user" && !["sys_id", "user_name"].includes(field))
    return `${field} will read as empty for every account`;
  return `${field} will read as empty`;
}
