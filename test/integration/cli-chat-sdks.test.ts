import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { runWarden } from "../helpers/run-warden.js";
import { tempDbPath, tempDir } from "../helpers/temp-db.js";

const SLOW = 60_000;
const RECORDER = join(import.meta.dirname, "../helpers/record-loaded-modules.cjs");
const SDKS = /node_modules[\\/](@slack[\\/](bolt|web-api)|botbuilder[^\\/]*)[\\/]/;

/** Runs the built CLI and answers with the chat SDK packages it loaded (none, ideally). */
async function sdksLoadedBy(args: string[], env: Record<string, string>) {
  const out = join(tempDir(), "modules.txt");
  const run = await runWarden(args, {
    ...env,
    // Quoted: a checkout path may hold spaces (https://nodejs.org/api/cli.html#node_optionsoptions).
    NODE_OPTIONS: `--require "${RECORDER}"`,
    WARDEN_TEST_MODULES_OUT: out,
  }).done;
  const modules = readFileSync(out, "utf8").split("\n");
  const packages = new Set(modules.flatMap((path) => SDKS.exec(path)?.[1] ?? []));
  return { run, modules: modules.length, sdks: [...packages].sort() };
}

describe("the CLI loads the chat SDKs only for the commands that talk to a chat platform", () => {
  it(
    "lookup, digest --print, migrate, audit, scan and notify --preview load none, with Slack and Teams configured",
    async () => {
      const slack = await startFakeSlackApi();
      onTestFinished(() => slack.close());
      const env = {
        LOG_LEVEL: "silent",
        WARDEN_DB: tempDbPath(),
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "sdk-secret",
        SLACK_API_URL: slack.url,
        TEAMS_APP_ID: "00000000-0000-0000-0000-000000000001",
        TEAMS_APP_PASSWORD: "teams-secret",
      };
      for (const args of [
        ["scan"],
        ["lookup", "svc_no_such_account"],
        ["digest", "--print"],
        ["notify", "--preview"],
        ["migrate"],
        ["audit", "--verify"],
      ]) {
        const { run, modules, sdks } = await sdksLoadedBy(args, env);
        expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBeLessThanOrEqual(1);
        expect(modules, args.join(" ")).toBeGreaterThan(10);
        expect(sdks, args.join(" ")).toEqual([]);
      }
      // The recorder sees them when they are loaded: `notify` sends through the Slack Web API.
      const notify = await sdksLoadedBy(["notify"], { ...env, TEAMS_APP_ID: "", TEAMS_APP_PASSWORD: "" });
      expect(notify.run.code, notify.run.stderr).toBe(0);
      expect(notify.sdks).toEqual(["@slack/web-api"]);
    },
    SLOW,
  );
});
