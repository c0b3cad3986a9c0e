import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isValidSlackRequest, verifySlackRequest } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import {
  blockActionsBody,
  postSlack,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from "../helpers/sign-slack.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** Verifies a signed body with Bolt's own checker. */
function boltAccepts(body: string, headers: Record<string, string>, signingSecret = SECRET): boolean {
  return isValidSlackRequest({
    signingSecret,
    body,
    headers: {
      "x-slack-signature": headers["x-slack-signature"] ?? "",
      "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
    },
  });
}

describe("signSlackRequest", () => {
  it("produces signatures Bolt accepts", () => {
    const body = slashCommandBody({
      text: "lookup x",
      userId: "U1",
      channelId: "C1",
      responseUrl: "http://r",
    });
    const headers = { ...signSlackRequest(SECRET, body) };
    expect(boltAccepts(body, headers)).toBe(true);
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: {
          "x-slack-signature": headers["x-slack-signature"],
          "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
        },
      }),
    ).not.toThrow();
  });

  it("matches the known Slack documentation example", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest(SECRET, body, 1531420618)["x-slack-signature"]).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });

  it("is rejected by Bolt when stale, tampered or signed with another secret", () => {
    const body = blockActionsBody({
      userId: "U1",
      actionId: "approve",
      value: "req-1",
      channelId: "DU1",
      messageTs: "1700000000.000100",
      responseUrl: "http://r",
    });
    const stale = signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 301);
    expect(boltAccepts(body, { ...stale })).toBe(false);
    expect(boltAccepts(`${body}x`, { ...signSlackRequest(SECRET, body) })).toBe(false);
    expect(boltAccepts(body, { ...signSlackRequest("other", body) })).toBe(false);
  });
});

describe("payload builders", () => {
  it("builds a slash command form body", () => {
    const form = new URLSearchParams(
      slashCommandBody({ text: "find svc-1", userId: "U1", channelId: "C1", responseUrl: "http://r/1" }),
    );
    expect(Object.fromEntries(form)).toMatchObject({
      command: "/warden",
      text: "find svc-1",
      user_id: "U1",
      channel_id: "C1",
      response_url: "http://r/1",
    });
  });

  it("builds block_actions with a message container and view_submission payloads", () => {
    const blocks = [{ type: "actions", elements: [] }];
    const actions = JSON.parse(
      new URLSearchParams(
        blockActionsBody({
          userId: "U1",
          actionId: "approve",
          value: "req-1",
          channelId: "DU1",
          messageTs: "1700000000.000100",
          responseUrl: "http://r/2",
          blocks,
        }),
      ).get("payload") ?? "",
    ) as Record<string, unknown>;
    expect(actions).toMatchObject({
      type: "block_actions",
      user: { id: "U1" },
      container: { type: "message", message_ts: "1700000000.000100", channel_id: "DU1" },
      channel: { id: "DU1" },
      message: { ts: "1700000000.000100", blocks },
      response_url: "http://r/2",
      actions: [{ type: "button", action_id: "approve", value: "req-1" }],
    });

    const submission = JSON.parse(
      new URLSearchParams(
        viewSubmissionBody({
          userId: "U1",
          callbackId: "deny_reason",
          privateMetadata: "req-1",
          values: { reason: { text: { type: "plain_text_input", value: "no" } } },
        }),
      ).get("payload") ?? "",
    ) as Record<string, unknown>;
    expect(submission).toMatchObject({
      type: "view_submission",
      user: { id: "U1" },
      view: {
        callback_id: "deny_reason",
        private_metadata: "req-1",
        state: { values: { reason: { text: { value: "no" } } } },
      },
    });
  });
});

describe("postSlack", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("POSTs the signed body to /slack/events with the form content type", async () => {
    const seen: { url: string; type: string; valid: boolean }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const headers = {
          "x-slack-signature": String(req.headers["x-slack-signature"]),
          "x-slack-request-timestamp": String(req.headers["x-slack-request-timestamp"]),
        };
        const valid = boltAccepts(body, headers);
        seen.push({ url: req.url ?? "", type: req.headers["content-type"] ?? "", valid });
        res.writeHead(valid ? 200 : 401).end(valid ? "ok" : "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const body = slashCommandBody({ text: "", userId: "U1", channelId: "C1", responseUrl: "http://r" });
    await expect(postSlack(base, body, SECRET)).resolves.toEqual({ status: 200, text: "ok" });
    const old = Math.floor(Date.now() / 1000) - 600;
    await expect(postSlack(base, body, SECRET, { timestamp: old })).resolves.toMatchObject({ status: 401 });
    expect(seen[0]).toEqual({ url: "/slack/events", type: "application/x-www-form-urlencoded", valid: true });
  });
});
