import type { DoctorCheck } from "../doctor-types.js";

/** One line of the ServiceNow part of the doctor's table. */
export const servicenowCheck = (
  name: string,
  status: DoctorCheck["status"],
  detail: string,
): DoctorCheck => ({
  area: "servicenow",
  name,
  status,
  detail,
});
