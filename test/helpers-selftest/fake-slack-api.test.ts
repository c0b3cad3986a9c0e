import { ErrorCode, WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeSlackApi,
  slackError,
  slackHttpError,
  slackRateLimited,
  startFakeSlackApi,
} from "../helpers/fake-slack-api.js";

const TOKEN = "xoxb-test-token";

describe("fake Slack Web API with a real WebClient", () => {
  let fake: FakeSlackApi;
  let client: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlackApi({ users: [{ id: "U100", name: "alice", email: "alice@example.com" }] });
    client = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });
  afterEach(() => fake.close());

  it("answers auth.test with the configured identity and records the bearer token", async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, user_id: "U0WARDEN", bot_id: "B0WARDEN", team_id: "T0FAKE" });
    expect(fake.calls).toEqual([{ method: "auth.test", args: {}, token: TOKEN }]);
  });

  it("looks users up by email, with users_not_found for strangers", async () => {
    fake.users.set("bob@example.com", { id: "U200", name: "bob", email: "bob@example.com" });
    const bob = await client.users.lookupByEmail({ email: "bob@example.com" });
    expect(bob.user?.id).toBe("U200");
    expect(bob.user?.profile?.email).toBe("bob@example.com");
    await expect(client.users.lookupByEmail({ email: "nobody@example.com" })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: "users_not_found" },
    });
  });

  it("opens a DM, posts and updates, and the store shows the current message", async () => {
    const open = await client.conversations.open({ users: "U100" });
    const channel = open.channel?.id ?? "";
    expect(channel).toBe("DU100");

    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "Approve *x*?" } }];
    const first = await client.chat.postMessage({ channel, text: "Approve x?", blocks });
    const second = await client.chat.postMessage({ channel, text: "second" });
    expect(first.ts).toBe("1700000000.000100");
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(fake.callsTo("chat.postMessage")[0]?.args.blocks).toEqual(blocks);

    const done = [{ type: "section", text: { type: "mrkdwn", text: "Approved" } }];
    await client.chat.update({ channel, ts: first.ts ?? "", text: "Approved", blocks: done });
    expect(fake.messages(channel)).toEqual([
      { ts: first.ts, text: "Approved", blocks: done, threadTs: undefined, edits: 1 },
      { ts: second.ts, text: "second", blocks: undefined, threadTs: undefined, edits: 0 },
    ]);

    await expect(client.chat.update({ channel, ts: "1.2", text: "x" })).rejects.toMatchObject({
      data: { error: "message_not_found" },
    });
  });

  it("plays scripted replies in order, then falls back to the default", async () => {
    fake.script("chat.postMessage", [slackError("not_in_channel"), slackError("channel_not_found")]);
    await expect(client.chat.postMessage({ channel: "C1", text: "a" })).rejects.toMatchObject({
      data: { error: "not_in_channel" },
    });
    await expect(client.chat.postMessage({ channel: "C1", text: "b" })).rejects.toMatchObject({
      data: { error: "channel_not_found" },
    });
    await expect(client.chat.postMessage({ channel: "C1", text: "c" })).resolves.toMatchObject({ ok: true });
    expect(fake.messages("C1").map((m) => m.text)).toEqual(["c"]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("turns a scripted 429 into WebAPIRateLimitedError with rejectRateLimitedCalls", async () => {
    const strict = new WebClient(TOKEN, {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    fake.script("chat.postMessage", slackRateLimited(1));
    await expect(strict.chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
  });

  it("turns a scripted 500 into an HTTP error", async () => {
    fake.script("users.lookupByEmail", slackHttpError(500));
    await expect(client.users.lookupByEmail({ email: "alice@example.com" })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
    });
  });

  it("rejects unknown methods and missing tokens like Slack", async () => {
    await expect(client.apiCall("bogus.method")).rejects.toMatchObject({ data: { error: "unknown_method" } });
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    await expect(anonymous.auth.test()).rejects.toMatchObject({ data: { error: "not_authed" } });
  });

  it("posts ephemerals and opens/updates views", async () => {
    const eph = await client.chat.postEphemeral({ channel: "C1", user: "U100", text: "only you" });
    expect(eph.message_ts).toBeTruthy();
    expect(fake.ephemerals("C1")).toEqual([
      { user: "U100", text: "only you", blocks: undefined, ts: eph.message_ts },
    ]);

    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "T" }, blocks: [] };
    const opened = await client.views.open({ trigger_id: "1.2.3", view });
    const id = opened.view?.id ?? "";
    await client.views.update({ view_id: id, view: { ...view, title: { type: "plain_text", text: "U" } } });
    expect(fake.views()[0]?.view).toMatchObject({ title: { text: "U" } });
    await expect(client.views.update({ view_id: "V404", view })).rejects.toMatchObject({
      data: { error: "not_found" },
    });
  });

  it("records response_url posts and applies replace_original / in_channel / ephemeral", async () => {
    const posted = await client.chat.postMessage({ channel: "DU100", text: "Approve?" });
    const url = fake.responseUrl({ channel: "DU100", ts: posted.ts ?? "", user: "U100" });
    expect(url.startsWith(fake.baseUrl)).toBe(true);

    const replace = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ replace_original: true, text: "Approved by alice" }),
    });
    expect(replace.status).toBe(200);
    await fetch(url, { method: "POST", body: JSON.stringify({ response_type: "in_channel", text: "fyi" }) });
    await fetch(url, { method: "POST", body: JSON.stringify({ text: "just you" }) });

    expect(fake.messages("DU100").map((m) => [m.text, m.edits])).toEqual([
      ["Approved by alice", 1],
      ["fyi", 0],
    ]);
    expect(fake.ephemerals("DU100").map((m) => m.text)).toEqual(["just you"]);
    const responses = fake.callsTo("response_url");
    expect(responses[0]).toMatchObject({ args: { replace_original: true }, token: undefined });
    expect(responses).toHaveLength(3);
  });
});
