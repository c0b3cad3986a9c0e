import { describe, expect, it } from "vitest";
import { checkTeams } from "../../src/doctor/check-teams.js";
import { formatDoctorReport } from "../../src/doctor/format-doctor-report.js";
import { type DoctorReport, doctorExitCode } from "../../src/doctor/run-doctor.js";
import type { FakeSlackApi } from "../helpers/fake-slack-api.js";
import { configFor, doctor, startSim, startSlack } from "./doctor-harness.js";

const TOKEN = "xoxb-1111-2222-doctortoken";
const ALL_SCOPES = "chat:write,commands,im:write,users:read,users:read.email,channels:read";

const slackChecks = (report: DoctorReport) =>
  Object.fromEntries(report.checks.filter((c) => c.area === "slack").map((c) => [c.name, c]));

function slackEnv(slack: FakeSlackApi, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: "signing-secret",
    SLACK_API_URL: slack.url,
    SLACK_DIGEST_CHANNEL: "C0DIGEST",
    SLACK_ADMIN_CHANNEL: "C0ADMINS",
    ...extra,
  };
}

/** auth.test answered with the x-oauth-scopes header real Slack sends. */
function scopedAuthTest(slack: FakeSlackApi, scopes: string) {
  slack.script("auth.test", {
    status: 200,
    headers: { "x-oauth-scopes": scopes },
    body: {
      ok: true,
      team: "Acme",
      team_id: "T0FAKE",
      user: "warden",
      user_id: "U0WARDEN",
      bot_id: "B0WARDEN",
    },
  });
}

describe("warden doctor: Slack", () => {
  it("passes with a valid token, every scope and both channels", async () => {
    const sim = await startSim();
    const slack = await startSlack();
    scopedAuthTest(slack, ALL_SCOPES);
    const report = await doctor(sim, configFor(sim, "basic", slackEnv(slack)), slack);
    const checks = slackChecks(report);
    expect(Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, c.status]))).toEqual({
      token: "pass",
      scopes: "pass",
      "digest channel": "pass",
      "admin channel": "pass",
    });
    expect(checks.token?.detail).toContain("bot warden (U0WARDEN) in workspace Acme (T0FAKE)");
    expect(slack.callsTo("conversations.info").map((c) => c.args.channel)).toEqual(["C0DIGEST", "C0ADMINS"]);
    expect(slack.calls.every((c) => c.token === TOKEN)).toBe(true);
    // Read methods only: the doctor posts nothing.
    expect(slack.calls.map((c) => c.method).sort()).toEqual([
      "auth.test",
      "conversations.info",
      "conversations.info",
    ]);
  });

  it("fails on invalid_auth and checks nothing else in Slack, never printing the token", async () => {
    const sim = await startSim();
    const slack = await startSlack();
    slack.script("auth.test", { ok: false, error: "invalid_auth" });
    const report = await doctor(sim, configFor(sim, "basic", slackEnv(slack)), slack);
    const checks = slackChecks(report);
    expect(Object.keys(checks)).toEqual(["token"]);
    expect(checks.token).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("auth.test refused SLACK_BOT_TOKEN (invalid_auth)"),
    });
    expect(doctorExitCode(report)).toBe(1);
    expect(formatDoctorReport(report)).not.toContain(TOKEN);
    expect(slack.callsTo("conversations.info")).toEqual([]);
  });

  it("fails on a missing channel and a missing scope, warns when the bot is not a member", async () => {
    const sim = await startSim();
    const slack = await startSlack();
    scopedAuthTest(slack, "chat:write,commands,users:read");
    slack.script("conversations.info", [
      { ok: false, error: "channel_not_found" },
      { ok: true, channel: { id: "C0ADMINS", name: "warden-admins", is_member: false, is_archived: false } },
    ]);
    const report = await doctor(sim, configFor(sim, "basic", slackEnv(slack)), slack);
    const checks = slackChecks(report);
    expect(checks.scopes).toMatchObject({
      status: "fail",
      detail:
        "Missing scope(s) im:write, users:read.email: add them under OAuth & Permissions, then reinstall the app.",
    });
    expect(checks["digest channel"]).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("SLACK_DIGEST_CHANNEL=C0DIGEST: channel not found"),
    });
    expect(checks["admin channel"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("#warden-admins (C0ADMINS) exists but the bot is not a member"),
    });
    expect(doctorExitCode(report)).toBe(1);
  });

  it("warns when scopes are not reported, a channel is a name, or a channel is not set", async () => {
    const sim = await startSim();
    const slack = await startSlack();
    const env = slackEnv(slack, { SLACK_DIGEST_CHANNEL: "#security" });
    delete env.SLACK_ADMIN_CHANNEL;
    const report = await doctor(sim, configFor(sim, "basic", env), slack);
    const checks = slackChecks(report);
    expect(checks.token?.status).toBe("pass");
    expect(checks.scopes).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("x-oauth-scopes"),
    });
    expect(checks["digest channel"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining('SLACK_DIGEST_CHANNEL="#security" is not a channel id'),
    });
    expect(checks["admin channel"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("SLACK_ADMIN_CHANNEL is not set"),
    });
  });
});

describe("warden doctor: Teams (configuration only)", () => {
  const base = async (env: Record<string, string>) => {
    const sim = await startSim();
    return configFor(sim, "basic", env);
  };
  const APP = "2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5b";
  const TENANT = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
  const channels = {
    TEAMS_DIGEST_CHANNEL: "19:digest@thread.tacv2",
    TEAMS_ADMIN_CHANNEL: "19:admins@thread.tacv2",
  };

  it("passes a consistent single-tenant app", async () => {
    const config = await base({
      TEAMS_APP_ID: APP,
      TEAMS_APP_PASSWORD: "s3cr~et.Value",
      TEAMS_APP_TENANT_ID: TENANT,
      ...channels,
    });
    const checks = checkTeams(config);
    expect(checks.map((c) => c.status)).toEqual(["pass", "pass", "pass"]);
    expect(JSON.stringify(checks)).not.toContain("s3cr~et.Value");
  });

  it("fails an app id that is not a GUID or a password that is an id, and warns without a tenant", async () => {
    const bad = checkTeams(await base({ TEAMS_APP_ID: "my-bot", TEAMS_APP_PASSWORD: TENANT, ...channels }));
    expect(bad[0]).toMatchObject({ status: "fail", name: "app" });
    expect(bad[0]?.detail).toContain("TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID");
    expect(bad[0]?.detail).toContain("TEAMS_APP_PASSWORD looks like an id");

    const noTenant = checkTeams(
      await base({ TEAMS_APP_ID: APP, TEAMS_APP_PASSWORD: "secret-value", ...channels }),
    );
    expect(noTenant[0]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("TEAMS_APP_TENANT_ID is not set"),
    });
  });

  it("warns in emulator mode and about channels that are not Teams channel ids", async () => {
    const checks = checkTeams(await base({ TEAMS_ENABLED: "true", TEAMS_DIGEST_CHANNEL: "security" }));
    expect(checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      "app:warn",
      "digest channel:warn",
      "admin channel:warn",
    ]);
    expect(checks[0]?.detail).toContain("emulator mode");
  });

  it("runs the Teams checks from runDoctor only when Teams is configured", async () => {
    const sim = await startSim();
    const without = await doctor(sim, configFor(sim, "basic"));
    expect(without.checks.some((c) => c.area === "teams" || c.area === "slack")).toBe(false);
    const withTeams = await doctor(
      sim,
      configFor(sim, "basic", {
        TEAMS_APP_ID: APP,
        TEAMS_APP_PASSWORD: "x-secret",
        TEAMS_APP_TENANT_ID: TENANT,
        ...channels,
      }),
    );
    expect(withTeams.checks.filter((c) => c.area === "teams").map((c) => c.status)).toEqual([
      "pass",
      "pass",
      "pass",
    ]);
  });
});
