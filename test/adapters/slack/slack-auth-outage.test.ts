import { describe, expect, it } from "vitest";
import { slackHttpError } from "../../helpers/fake-slack-api.js";
import { slashCommandBody } from "../../helpers/sign-slack.js";
import { startWarden } from "../../helpers/start-warden.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

describe("Slack unreachable when warden serve starts", () => {
  it("answers the requests after Slack is back, without a restart", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ], serve: false });
    // auth.test, which tells Bolt the bot's ids, fails at first: Slack is down for a moment.
    t.slack.script("auth.test", slackHttpError(503, "service unavailable"));
    await t.serve();

    const during = await t.post(
      slashCommandBody({
        text: "help",
        userId: RAJ.id,
        channelId: "C1",
        responseUrl: t.slack.responseUrl({ channel: "C1", user: RAJ.id }),
      }),
    );
    // Not answered while Slack could not say who the bot is (Slack shows the user an error).
    expect(during.status).not.toBe(200);

    // Slack is back: the next request is answered, and the next ones without asking Slack again.
    const first = await t.command(RAJ, "help");
    expect(JSON.stringify(first.args)).toContain("warden");
    await t.command(RAJ, "help");
    expect(t.slack.callsTo("auth.test")).toHaveLength(2);
  });
});
