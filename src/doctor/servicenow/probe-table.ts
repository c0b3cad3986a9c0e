import type { ServiceNowClient } from "../../sources/servicenow/client-types.js";
import type { DoctorBlindSpot, DoctorCheck } from "../doctor-types.js";
import { errorMessage, sourceCodeOf } from "./describe-error.js";
import { probeFields } from "./probe-fields.js";
import type { ServiceNowCheckResult } from "./servicenow-check-types.js";
import { SIGNAL_EFFECT, type TableProbe } from "./table-probes.js";

/** One table: readable (Aggregate API count), rows visible, and the fields warden reads present. */
export async function probeTable(
  client: ServiceNowClient,
  probe: TableProbe,
): Promise<ServiceNowCheckResult> {
  const { table } = probe;
  const name = `read ${table}`;
  const checks: DoctorCheck[] = [];
  const blindSpots: DoctorBlindSpot[] = [];
  const blind = (reason: string) => {
    for (const signal of probe.signals) blindSpots.push({ signal, table, reason });
  };
  const effect = probe.signals.map((s) => SIGNAL_EFFECT[s]).join(", ");

  let count: number;
  let newest: string | undefined;
  try {
    const rows = await client.aggregate(table, {
      ...(probe.query ? { query: probe.query } : {}),
      count: true,
      max: ["sys_created_on"],
    });
    count = rows[0]?.count ?? 0;
    newest = rows[0]?.max.sys_created_on || undefined;
  } catch (error) {
    const code = sourceCodeOf(error);
    if (code === "E_SOURCE_FORBIDDEN") {
      checks.push({
        area: "servicenow",
        name,
        status: "fail",
        detail: `403: the bot account cannot read ${table}; grant it ${probe.access}. ${probe.required ? "Scans cannot run without it." : `Until then: blind spot for ${effect}.`}`,
      });
      if (!probe.required) blind(`403: grant ${probe.access}`);
    } else if (code === "E_SOURCE_BAD_REQUEST" || code === "E_SOURCE_NOT_FOUND") {
      checks.push({
        area: "servicenow",
        name,
        status: probe.required ? "fail" : "warn",
        detail: `${table} does not exist on this instance (plugin not installed, or another name in the ServiceNow mapping): blind spot for ${effect}.`,
      });
      if (!probe.required) blind(`${table} does not exist on this instance`);
    } else {
      checks.push({ area: "servicenow", name, status: "fail", detail: errorMessage(error) });
    }
    return { checks, blindSpots };
  }

  if (count === 0) {
    if (probe.rowsExpected) {
      checks.push({
        area: "servicenow",
        name,
        status: "warn",
        detail: `Readable, but ${probe.emptyHint}: blind spot for ${effect}.`,
      });
      if (!probe.required) blind(probe.emptyHint);
    } else {
      checks.push({
        area: "servicenow",
        name,
        status: "pass",
        detail: `Readable; no rows${probe.query ? " in the last 30 days" : ""} (none recorded, or an ACL hides them).`,
      });
    }
    return { checks, blindSpots };
  }
  checks.push({
    area: "servicenow",
    name,
    status: "pass",
    detail: `Readable: ${count} row(s)${probe.query ? " in the last 30 days" : ""}.`,
  });
  if (probe.fields.length > 0) checks.push(await probeFields(client, probe, newest));
  return { checks, blindSpots };
}
