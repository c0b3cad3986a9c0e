import { describe, expect, it } from "vitest";
import { formatDoctorReport } from "../../src/doctor/format-doctor-report.js";
import { type DoctorReport, doctorExitCode } from "../../src/doctor/run-doctor.js";
import { addBotAccount, configFor, doctor, PASSWORD, startSim, writes } from "./doctor-harness.js";

const check = (report: DoctorReport, name: string) => {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check "${name}" in ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
};
const statuses = (report: DoctorReport) =>
  Object.fromEntries(report.checks.filter((c) => c.area === "servicenow").map((c) => [c.name, c.status]));

describe("warden doctor against the simulated instance", () => {
  it("passes every read with Basic auth and warns about Basic auth, sending GET requests only", async () => {
    const sim = await startSim();
    addBotAccount(sim, ["user_admin", "snc_platform_rest_api_access"]);
    const report = await doctor(sim, configFor(sim, "basic"));

    expect(statuses(report)).toEqual({
      "reach instance": "pass",
      authentication: "warn",
      "bot account": "pass",
      "write sys_user": "pass",
      "read sys_user": "pass",
      "fields of sys_user": "pass",
      "read sys_user_has_role": "pass",
      "read syslog_transaction": "pass",
      "fields of syslog_transaction": "pass",
      "read sys_user_login_history": "pass",
      "fields of sys_user_login_history": "pass",
      "read sys_user_basic_auth_exception": "pass",
      "fields of sys_user_basic_auth_exception": "pass",
      "read oauth_credential": "pass",
      "fields of oauth_credential": "pass",
      "blind spots": "pass",
    });
    expect(check(report, "authentication").detail).toMatch(/Basic auth as warden.*prefer OAuth/);
    expect(check(report, "bot account").detail).toContain("warden is web-service-only");
    expect(check(report, "write sys_user").detail).toMatch(/holds user_admin.*nothing was written/);
    // The default privileged roles include admin and security_admin: an Undo cannot grant them back.
    expect(check(report, "write sys_user").detail).toMatch(
      /cannot grant admin or security_admin: only an admin may .*undoing a removal of those roles will be refused/,
    );
    expect(report.blindSpots).toEqual([]);
    expect(doctorExitCode(report)).toBe(0);
    expect(sim.requests.length).toBeGreaterThan(5);
    expect(writes(sim)).toEqual([]);
    expect(sim.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("warns when the bot account is interactive, not visible, or lacks user_admin", async () => {
    const sim = await startSim();
    // The demo data has no "warden" user: it cannot be checked.
    const unseen = await doctor(sim, configFor(sim, "basic"));
    expect(check(unseen, "bot account")).toMatchObject({ status: "warn" });
    expect(check(unseen, "bot account").detail).toContain("warden is not visible in sys_user");
    expect(check(unseen, "write sys_user").detail).toMatch(/^Cannot verify write access: needs user_admin/);
    expect(doctorExitCode(unseen)).toBe(0);

    addBotAccount(sim, ["itil"], false);
    const interactive = await doctor(sim, configFor(sim, "basic"));
    expect(check(interactive, "bot account")).toMatchObject({ status: "warn" });
    expect(check(interactive, "bot account").detail).toContain("warden is not web-service-only");
    expect(check(interactive, "write sys_user")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("warden holds neither user_admin nor admin"),
    });
    expect(writes(sim)).toEqual([]);
  });

  it("passes the write check in dry-run mode without user_admin, and flags an admin bot account", async () => {
    const sim = await startSim();
    addBotAccount(sim, ["itil"]);
    const dry = await doctor(sim, configFor(sim, "basic", { WARDEN_MODE: "dry-run" }));
    expect(check(dry, "write sys_user")).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("WARDEN_MODE=dry-run"),
    });

    const admin = await startSim();
    addBotAccount(admin, ["admin"]);
    const report = await doctor(admin, configFor(admin, "basic"));
    expect(check(report, "write sys_user")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("holds admin"),
    });
  });

  it("with OAuth has no Basic-auth warning and sends nothing but GETs and the token request", async () => {
    const sim = await startSim();
    const report = await doctor(sim, configFor(sim, "oauth"));
    expect(check(report, "authentication")).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("OAuth 2.0 client credentials (client id warden-demo)"),
    });
    expect(report.checks.some((c) => /Basic auth as/.test(c.detail))).toBe(false);
    // The OAuth application user is not named in the configuration: it cannot be identified here.
    expect(check(report, "bot account").detail).toContain("OAuth Application User");
    expect(report.counts.fail).toBe(0);
    expect(sim.requests.some((r) => r.auth === "bearer")).toBe(true);
    expect(sim.requests.every((r) => r.auth !== "basic" || r.path === "/oauth_token.do")).toBe(true);
    expect(writes(sim)).toEqual([]);
    expect(sim.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /oauth_token.do",
    ]);
  });

  it("fails for a restricted bot account and lists the blind spots, naming the tables", async () => {
    const sim = await startSim();
    sim.faults.forbiddenTables.add("sys_user_login_history");
    sim.faults.forbiddenTables.add("syslog_transaction");
    const report = await doctor(sim, configFor(sim, "basic"));

    expect(check(report, "read syslog_transaction")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^403: the bot account cannot read syslog_transaction/),
    });
    expect(check(report, "read sys_user_login_history")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("grant it role user_login_history_viewer"),
    });
    expect(check(report, "read sys_user")).toMatchObject({ status: "pass" });
    const blind = check(report, "blind spots");
    expect(blind.status).toBe("warn");
    expect(blind.detail).toContain(
      "API calls (rules dormant, wsao_disabled, ui_and_api) from syslog_transaction",
    );
    expect(blind.detail).toContain("UI logins (rules dormant, ui_and_api) from sys_user_login_history");
    expect(report.blindSpots.map((b) => `${b.signal}:${b.table}`)).toEqual([
      "api_calls:syslog_transaction",
      "unique_api_calls:syslog_transaction",
      "ui_logins:sys_user_login_history",
    ]);
    expect(doctorExitCode(report)).toBe(1);

    const text = formatDoctorReport(report);
    expect(text).toMatch(/^FAIL\s+servicenow\s+read syslog_transaction\s+403/m);
    expect(text).toMatch(/^FAIL\s+servicenow\s+read sys_user_login_history\s+403/m);
    expect(text).toContain(
      "Blind spots on this instance: api_calls (syslog_transaction), unique_api_calls (syslog_transaction), ui_logins (sys_user_login_history).",
    );
    expect(text.split("\n").at(-1)).toMatch(/failed: warden is NOT ready: fix the FAIL lines\.$/);
    expect(writes(sim)).toEqual([]);
  });

  it("fails on a wrong password with the 401 hint, never printing the password", async () => {
    const sim = await startSim();
    const wrong = "Tr0ub4dor&3-not-it";
    const report = await doctor(sim, configFor(sim, { password: wrong }));
    const reach = check(report, "reach instance");
    expect(reach.status).toBe("fail");
    expect(reach.detail).toContain("401");
    expect(reach.detail).toContain("Check SERVICENOW_USERNAME/SERVICENOW_PASSWORD");
    // Nothing else can be checked; no per-table noise.
    expect(report.checks.filter((c) => c.area === "servicenow").map((c) => c.name)).toEqual([
      "reach instance",
      "ServiceNow checks",
    ]);
    expect(doctorExitCode(report)).toBe(1);
    const output = `${formatDoctorReport(report)}\n${JSON.stringify(report)}`;
    expect(output).not.toContain(wrong);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(Buffer.from(`warden:${wrong}`).toString("base64"));
    expect(writes(sim)).toEqual([]);
  });

  it("fails when the instance answers with an HTML page (hibernating)", async () => {
    const sim = await startSim();
    sim.faults.script({ response: "html" });
    const report = await doctor(sim, configFor(sim, "basic"));
    expect(check(report, "reach instance")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("hibernating"),
    });
    expect(doctorExitCode(report)).toBe(1);
  });

  it("reports a missing Basic-auth table as a blind spot (warn), not a failure", async () => {
    const sim = await startSim();
    sim.faults.missingTables.add("sys_user_basic_auth_exception");
    const report = await doctor(sim, configFor(sim, "basic"));
    expect(check(report, "read sys_user_basic_auth_exception")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining(
        "sys_user_basic_auth_exception does not exist on this instance (plugin not installed",
      ),
    });
    expect(check(report, "blind spots")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining(
        "Basic-auth use (discovery; rules basic_auth, dormant, wsao_disabled, ui_and_api) from sys_user_basic_auth_exception",
      ),
    });
    expect(report.blindSpots).toEqual([
      expect.objectContaining({ signal: "auth_methods", table: "sys_user_basic_auth_exception" }),
    ]);
    expect(doctorExitCode(report)).toBe(0);
  });

  it("warns when rows are expected but none is visible (blind spot)", async () => {
    const sim = await startSim();
    const logins = sim.data.tables.get("sys_user_login_history")!;
    logins.rows.length = 0;
    logins.indexById.clear();
    const report = await doctor(sim, configFor(sim, "basic"));
    expect(check(report, "read sys_user_login_history")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("probably lacks role user_login_history_viewer"),
    });
    expect(report.blindSpots.map((b) => b.signal)).toEqual(["ui_logins"]);
    expect(doctorExitCode(report)).toBe(0);
  });

  it("warns when a field is missing, and when the newest row is hidden by an ACL", async () => {
    const sim = await startSim();
    sim.faults.hideFields("syslog_transaction", "http_method");
    // The simulated Aggregate API counts rows regardless of row ACLs, as ServiceNow's may.
    sim.faults.hideRows("sys_user_login_history", () => true);
    const report = await doctor(sim, configFor(sim, "basic"));
    expect(check(report, "fields of syslog_transaction")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(
        /no column http_method on syslog_transaction.*unique API calls will show method \*/,
      ),
    });
    expect(check(report, "fields of sys_user_login_history")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("the newest row is hidden"),
    });
  });

  it("reports an unreadable sys_user as fatal for scans", async () => {
    const sim = await startSim();
    sim.faults.forbiddenTables.add("sys_user");
    const report = await doctor(sim, configFor(sim, "basic"));
    expect(check(report, "reach instance").status).toBe("pass");
    expect(check(report, "read sys_user")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Scans cannot run without it."),
    });
    expect(check(report, "bot account").detail).toContain("sys_user is not readable");
    expect(doctorExitCode(report)).toBe(1);
  });
});
