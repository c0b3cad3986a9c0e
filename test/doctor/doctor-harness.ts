import { WebClient } from "@slack/web-api";
import { onTestFinished } from "vitest";
import { type Config, loadConfig } from "../../src/config/load-config.js";
import { runDoctor } from "../../src/doctor/run-doctor.js";
import type { ServiceNowAuth } from "../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../src/sources/servicenow/create-servicenow-client.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { insertRow } from "../../src/sources/servicenow/simulator/instance-data.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../src/sources/servicenow/simulator/start-simulated-instance.js";
import { NOW } from "../helpers/demo-source.js";
import { type FakeSlackApi, startFakeSlackApi } from "../helpers/fake-slack-api.js";

export { NOW };
export const PASSWORD = "warden-demo";
export const OAUTH = { clientId: "warden-demo", clientSecret: "warden-demo-secret" };

/** The demo instance on real HTTP; closed after the test. */
export async function startSim(): Promise<SimulatedInstance> {
  const sim = await startSimulatedInstance({ data: generateInstance({ now: NOW, seed: 1 }), now: () => NOW });
  onTestFinished(() => sim.close());
  return sim;
}

/** A fake Slack Web API; closed after the test. */
export async function startSlack(): Promise<FakeSlackApi> {
  const slack = await startFakeSlackApi();
  onTestFinished(() => slack.close());
  return slack;
}

/** The configuration an operator would write for this simulated instance. */
export function configFor(
  sim: SimulatedInstance,
  auth: "basic" | "oauth" | { password: string },
  extra: Record<string, string> = {},
): Config {
  const credentials =
    auth === "oauth"
      ? { SERVICENOW_CLIENT_ID: OAUTH.clientId, SERVICENOW_CLIENT_SECRET: OAUTH.clientSecret }
      : {
          SERVICENOW_USERNAME: "warden",
          SERVICENOW_PASSWORD: auth === "basic" ? PASSWORD : auth.password,
        };
  return loadConfig({
    SERVICENOW_URL: sim.url,
    ...credentials,
    WARDEN_ADMINS: "helen.carter@acme.example",
    ...extra,
  });
}

/** Runs the doctor against `sim` with a real client built from `config` (and Slack when given). */
export async function doctor(sim: SimulatedInstance, config: Config, slack?: FakeSlackApi) {
  const auth = config.servicenow.auth as ServiceNowAuth;
  const client = createServiceNowClient({
    baseUrl: sim.url,
    auth,
    sleep: async () => {},
    now: () => NOW.getTime(),
    retries: 1,
  });
  const web = slack
    ? new WebClient(config.slack.botToken, { slackApiUrl: slack.url, retryConfig: { retries: 0 } })
    : undefined;
  return runDoctor({ config, client, slack: web, now: () => NOW });
}

/** Adds the bot's own account ("warden") to the instance, web-service-only, with `roles`. */
export function addBotAccount(sim: SimulatedInstance, roles: string[], wsao = true): string {
  const users = sim.data.tables.get("sys_user")!;
  const sysId = "0000000000000000000000000000beef";
  insertRow(users, {
    sys_id: sysId,
    user_name: "warden",
    name: "warden bot",
    active: "true",
    locked_out: "false",
    web_service_access_only: String(wsao),
    internal_integration_user: "false",
    sys_created_on: "2026-01-05 10:00:00",
  });
  const roleTable = sim.data.tables.get("sys_user_role")!;
  const grants = sim.data.tables.get("sys_user_has_role")!;
  roles.forEach((role, i) => {
    const roleId = roleTable.rows.find((r) => r.name === role)?.sys_id;
    if (!roleId) throw new Error(`no role ${role}`);
    insertRow(grants, {
      sys_id: `f${String(i).padStart(31, "0")}`,
      user: sysId,
      role: roleId,
    });
  });
  return sysId;
}

/** Non-GET requests the simulated instance received, apart from OAuth token requests. */
export function writes(sim: SimulatedInstance) {
  return sim.requests.filter((r) => r.method !== "GET" && r.path !== "/oauth_token.do");
}
