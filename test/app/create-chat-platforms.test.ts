import { describe, expect, it, onTestFinished } from "vitest";
import { createChatPlatforms } from "../../src/app/create-chat-platforms.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { slackHttpError, slackRateLimited, startFakeSlackApi } from "../helpers/fake-slack-api.js";

const SLACK = { SLACK_BOT_TOKEN: "xoxb-platforms", SLACK_SIGNING_SECRET: "platforms-secret" };

describe("createChatPlatforms", () => {
  it("builds nothing for a platform that is not configured", async () => {
    const chat = createChatPlatforms(loadConfig({}), silentLogger);
    expect(await chat.slack()).toBeUndefined();
    expect(await chat.teams()).toBeUndefined();
  });

  it("gives the process one Slack client and one Teams adapter, however often they are asked for", async () => {
    const fake = await startFakeSlackApi();
    onTestFinished(() => fake.close());
    const chat = createChatPlatforms(
      loadConfig({ ...SLACK, SLACK_API_URL: fake.url, TEAMS_ENABLED: "true" }),
      silentLogger,
    );
    const [a, b] = await Promise.all([chat.slack(), chat.slack()]);
    expect(a?.client).toBeDefined();
    expect(b?.client).toBe(a?.client);
    const teams = await chat.teams();
    expect(teams?.adapter).toBeDefined();
    expect((await chat.teams())?.adapter).toBe(teams?.adapter);
    expect(teams?.appId).toBe("");
    // The client speaks to SLACK_API_URL with SLACK_BOT_TOKEN.
    await a?.client.auth.test();
    expect(fake.callsTo("auth.test").map((c) => c.token)).toEqual(["xoxb-platforms"]);
  });

  it("does not retry inside the Slack client: a 5xx or a 429 is the caller's to retry", async () => {
    const fake = await startFakeSlackApi();
    onTestFinished(() => fake.close());
    const slack = await createChatPlatforms(
      loadConfig({ ...SLACK, SLACK_API_URL: fake.url }),
      silentLogger,
    ).slack();
    fake.script("chat.postMessage", [slackHttpError(503), slackRateLimited(30)]);
    const post = () => slack?.client.chat.postMessage({ channel: "C1", text: "hello" });
    await expect(post()).rejects.toMatchObject({ code: "slack_webapi_http_error" });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
    await expect(post()).rejects.toMatchObject({ code: "slack_webapi_rate_limited_error", retryAfter: 30 });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
  });
});
