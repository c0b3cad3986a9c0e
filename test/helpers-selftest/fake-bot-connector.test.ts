import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationParameters,
  type ConversationReference,
  TeamsInfo,
  TurnContext,
} from "botbuilder";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  connectorForbidden,
  connectorNotInRoster,
  connectorThrottled,
  type FakeBotConnector,
  startFakeBotConnector,
} from "../helpers/fake-bot-connector.js";

/** Auth disabled (empty MicrosoftAppId): no tokens, plain http serviceUrl accepted. */
function newAdapter(): CloudAdapter {
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
}

const BOT = { id: "28:warden-bot", name: "warden" };

describe("fake Bot Connector with botbuilder's CloudAdapter", () => {
  let fake: FakeBotConnector;
  let adapter: CloudAdapter;
  let channelRef: Partial<ConversationReference>;

  beforeEach(async () => {
    fake = await startFakeBotConnector();
    adapter = newAdapter();
    channelRef = {
      channelId: "msteams",
      serviceUrl: fake.serviceUrl,
      bot: BOT,
      conversation: {
        id: "19:abc123@thread.tacv2;messageid=42",
        isGroup: true,
        conversationType: "channel",
        name: "",
      },
    };
    fake.addMember({ name: "Alice", email: "alice@example.com", userPrincipalName: "alice.upn@example.com" });
  });
  afterEach(() => fake.close());

  /** Runs `logic` in a proactive turn on `ref`. */
  async function inTurn(ref: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<void>) {
    await adapter.continueConversationAsync("", ref, logic);
  }

  it("creates a 1:1, sends a card proactively and updates it in place", async () => {
    const alice = fake.members.get("alice@example.com");
    expect(alice?.id).toMatch(/^29:/);
    let dmRef: Partial<ConversationReference> = {};
    const params: ConversationParameters = {
      isGroup: false,
      bot: BOT,
      members: [{ id: alice?.aadObjectId ?? "", name: "" }],
      tenantId: "tenant-1",
      channelData: { tenant: { id: "tenant-1" } },
    };
    await adapter.createConversationAsync("", "msteams", fake.serviceUrl, "", params, async (ctx) => {
      dmRef = TurnContext.getConversationReference(ctx.activity);
    });
    const dmId = dmRef.conversation?.id ?? "";
    expect(dmId).toBe(`a:1dm-${alice?.id}`);

    let sentId = "";
    const card = CardFactory.adaptiveCard({ type: "AdaptiveCard", version: "1.5", body: [] });
    await inTurn(dmRef, async (ctx) => {
      sentId = (await ctx.sendActivity({ type: "message", text: "Approve?", attachments: [card] }))?.id ?? "";
    });
    await inTurn(dmRef, async (ctx) => {
      await ctx.updateActivity({ id: sentId, type: "message", text: "Approved" });
    });

    expect(fake.requests.map((r) => [r.kind, r.method])).toEqual([
      ["createConversation", "POST"],
      ["sendActivity", "POST"],
      ["updateActivity", "PUT"],
    ]);
    const send = fake.requestsOf("sendActivity")[0];
    expect(send?.path).toMatch(/^\/v3\/conversations\/a%3A1dm-29%3A[^/]+\/activities\/[^/]+$/);
    expect(send?.authorization).toBeUndefined();
    expect(fake.conversation(dmId)?.tenantId).toBe("tenant-1");
    expect(fake.activities(dmId)).toEqual([expect.objectContaining({ id: sentId, text: "Approved" })]);
    expect(fake.conversations().get(dmId)).toHaveLength(1);
  });

  it("decodes channel conversation ids with ':' '@' ';' and stores sends there", async () => {
    await inTurn(channelRef, async (ctx) => {
      await ctx.sendActivity("weekly digest");
    });
    const id = channelRef.conversation?.id ?? "";
    expect(fake.requests[0]?.conversationId).toBe(id);
    expect(fake.activities(id).map((a) => a.text)).toEqual(["weekly digest"]);
  });

  it("gets a member by email, UPN or id and 404s strangers", async () => {
    await inTurn(channelRef, async (ctx) => {
      const byEmail = await TeamsInfo.getMember(ctx, "alice@example.com");
      expect(byEmail).toMatchObject({ name: "Alice", userPrincipalName: "alice.upn@example.com" });
      await expect(TeamsInfo.getMember(ctx, "alice.upn@example.com")).resolves.toMatchObject({
        id: byEmail.id,
      });
      await expect(TeamsInfo.getMember(ctx, byEmail.id)).resolves.toMatchObject({
        email: "alice@example.com",
      });
      await expect(TeamsInfo.getMember(ctx, "nobody@example.com")).rejects.toMatchObject({ statusCode: 404 });
    });
    expect(fake.requestsOf("getMember")[0]?.path).toContain("/members/alice%40example.com");
    expect(fake.requestsOf("getMember")[0]?.memberId).toBe("alice@example.com");
  });

  it("pages members with continuation tokens", async () => {
    for (let i = 0; i < 4; i += 1) fake.addMember({ name: `User ${i}`, email: `u${i}@example.com` });
    const names: string[] = [];
    await inTurn(channelRef, async (ctx) => {
      let token: string | undefined;
      do {
        const page = await TeamsInfo.getPagedMembers(ctx, 2, token);
        names.push(...page.members.map((m) => m.name));
        token = page.continuationToken;
      } while (token);
    });
    expect(names).toEqual(["Alice", "User 0", "User 1", "User 2", "User 3"]);
    expect(fake.requestsOf("getPagedMembers").map((r) => r.query)).toEqual([
      { pageSize: "2" },
      { pageSize: "2", continuationToken: "fake-offset-2" },
      { pageSize: "2", continuationToken: "fake-offset-4" },
    ]);
  });

  it("answers scripted 403s (MessageWritesBlocked, not in roster) as errors the bot sees", async () => {
    fake.script("sendActivity", [connectorForbidden(), connectorNotInRoster()]);
    for (const code of ["Forbidden", "BotNotInConversationRoster"]) {
      await expect(
        inTurn(channelRef, (ctx) => ctx.sendActivity("x").then(() => undefined)),
      ).rejects.toMatchObject({
        statusCode: 403,
        code,
      });
    }
    await inTurn(channelRef, (ctx) => ctx.sendActivity("after").then(() => undefined));
    expect(fake.activities(channelRef.conversation?.id ?? "").map((a) => a.text)).toEqual(["after"]);
  });

  it("scripts a 429 with Retry-After, which botbuilder waits out and retries", async () => {
    fake.script("sendActivity", connectorThrottled(1));
    const outcome = await inTurn(channelRef, (ctx) => ctx.sendActivity("x").then(() => undefined)).then(
      () => "sent",
      (error: unknown) => error,
    );
    expect(outcome).toBe("sent");
    expect(fake.requestsOf("sendActivity")).toHaveLength(2);
  });
});

describe("fake Bot Connector over plain fetch", () => {
  it("returns 429 with Retry-After and routes replies to …/activities/:replyTo", async () => {
    const fake = await startFakeBotConnector();
    try {
      fake.script("sendActivity", connectorThrottled(3));
      const url = `${fake.serviceUrl}v3/conversations/${encodeURIComponent("a:x@y")}/activities/${encodeURIComponent("1:abc")}`;
      const init = {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"type":"message"}',
      };
      const throttled = await fetch(url, init);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get("retry-after")).toBe("3");
      const ok = await fetch(url, init);
      expect(ok.status).toBe(201);
      expect(fake.requests[1]).toMatchObject({
        conversationId: "a:x@y",
        activityId: "1:abc",
        kind: "sendActivity",
      });
      const missing = await fetch(`${fake.serviceUrl}v3/conversations/c/activities/nope`, {
        ...init,
        method: "PUT",
      });
      expect(missing.status).toBe(404);
    } finally {
      await fake.close();
    }
  });
});
