import { describe, expect, it, onTestFinished } from "vitest";
import { insertRow } from "../../src/sources/servicenow/simulator/instance-data.js";
import { startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { slackShownText } from "../helpers/rendered-text.js";
import { runWarden } from "../helpers/run-warden.js";
import { serviceNowEnv } from "../helpers/start-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

const SLOW = 60_000;
const ADMINS = "CADMINS";

describe("`warden scan` posts the immediate alert", () => {
  it(
    "posts the new privileged account to the admin channel once, and nothing for the first scan",
    async () => {
      const source = await startDemoSource();
      const slack = await startFakeSlackApi();
      onTestFinished(() => slack.close());
      const env = {
        ...serviceNowEnv(source.sim),
        LOG_LEVEL: "silent",
        WARDEN_DB: tempDbPath(),
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "cli-alert-secret",
        SLACK_API_URL: slack.url,
        SLACK_ADMIN_CHANNEL: ADMINS,
      };
      const first = await runWarden(["scan"], env).done;
      expect(first.code).toBe(0);
      expect(first.stderr).not.toContain("Alert");
      expect(slack.messages(ADMINS)).toEqual([]);

      // The account gains the admin role in ServiceNow (the privileged rule does not depend on the clock).
      const role = source.sim.data.tables.get("sys_user_role")?.rows.find((r) => r.name === "admin");
      const grants = source.sim.data.tables.get("sys_user_has_role");
      if (!role?.sys_id || !grants) throw new Error("the simulated instance has no admin role");
      insertRow(grants, {
        sys_id: `c11a1e27${"0".repeat(24)}`,
        user: source.idOf("svc_cmdb_discovery"),
        role: role.sys_id,
      });
      const second = await runWarden(["scan"], env).done;
      expect(second.code).toBe(0);
      expect(second.stderr).toContain("Alert of 1 new finding posted to the admin channel.");
      const [alert, ...more] = slack.messages(ADMINS);
      expect(more).toEqual([]);
      expect(slackShownText(alert ?? {})).toMatch(
        /Privileged role: 1 account gained a privileged role\*\n• \*svc_cmdb_discovery\*/,
      );

      const third = await runWarden(["scan"], env).done;
      expect(third.code).toBe(0);
      expect(third.stderr).not.toContain("Alert");
      expect(slack.messages(ADMINS)).toHaveLength(1);
    },
    SLOW,
  );
});
