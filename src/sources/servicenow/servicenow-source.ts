/** The source name of the configured ServiceNow instance's accounts, findings and scans. */
export const SERVICENOW_SOURCE = "servicenow";
