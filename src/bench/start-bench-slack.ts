import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** The bench's Slack: what warden's message run and digest call, answered at once. */
export interface BenchSlack {
  /** Base URL for SLACK_API_URL (ends with /api/). */
  apiUrl: string;
  /** Calls received, by Web API method. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** The user id the bench's Slack gives the owner of `email`: the same for every run. */
export const benchSlackUserId = (email: string): string =>
  `U${createHash("sha256").update(email).digest("hex").slice(0, 10).toUpperCase()}`;

/**
 * A minimal fake of Slack's Web API (https://api.slack.com/web) for `npm run bench`, which runs
 * from dist/ without the test helpers: WebClient posts form-encoded arguments to
 * `POST /api/<method>` (https://api.slack.com/web#posting_json); every method answers ok, with the
 * few fields warden reads. No rate limits: the bench measures warden's own event loop, not Slack's.
 */
export async function startBenchSlack(): Promise<BenchSlack> {
  const calls = new Map<string, number>();
  let ts = 1_700_000_000;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      calls.set(method, (calls.get(method) ?? 0) + 1);
      const text = Buffer.concat(chunks).toString("utf8");
      const args = Object.fromEntries(
        /json/.test(request.headers["content-type"] ?? "")
          ? Object.entries(JSON.parse(text || "{}") as Record<string, unknown>)
          : new URLSearchParams(text),
      ) as Record<string, unknown>;
      const body: Record<string, unknown> = { ok: true };
      if (method === "auth.test")
        Object.assign(body, { user_id: "UBENCHBOT", team_id: "TBENCH", bot_id: "BBENCH" });
      if (method === "users.lookupByEmail") {
        body.user = {
          id: benchSlackUserId(String(args.email)),
          profile: { email: args.email },
          deleted: false,
        };
      }
      if (method === "users.info") body.user = { id: args.user, profile: {}, deleted: false };
      if (method === "conversations.open") body.channel = { id: `D${String(args.users).slice(1)}` };
      if (method === "chat.postMessage" || method === "chat.update") {
        ts += 1;
        Object.assign(body, { channel: args.channel, ts: `${ts}.000100` });
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
