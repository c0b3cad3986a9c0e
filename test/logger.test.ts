import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("writes JSON lines with tokens, passwords and Authorization headers redacted", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream).child({ job: "scan" });
    log.info(
      {
        password: "hunter2",
        token: "xoxb-secret",
        config: { auth: { username: "bot", password: "pw" } },
        request: { headers: { authorization: "Basic Ym90OnB3", Authorization: "Bearer abc" } },
        headers: { Authorization: "Bearer def" },
        clientSecret: "s3",
      },
      "hello",
    );
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? "");
    expect(entry).toMatchObject({ msg: "hello", job: "scan", password: "[redacted]", token: "[redacted]" });
    for (const secret of ["hunter2", "xoxb-secret", "Ym90OnB3", "Bearer abc", "Bearer def", "s3", '"pw"']) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it("redacts chat secrets by key, and a URL's user name and password wherever they appear", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    const error = new Error("GET https://bob:hunter2@acme.service-now.com/api failed");
    log.error(
      {
        err: error,
        url: "https://carol:s3cret@acme.service-now.com",
        slack: { botToken: "xoxb-1", signingSecret: "sig-2", appToken: "xapp-3" },
        teams: { appPassword: "teams-4" },
      },
      "request to https://dave:pa55@acme.service-now.com failed",
    );
    const line = lines[0] ?? "";
    for (const secret of [
      "hunter2",
      "s3cret",
      "pa55",
      "xoxb-1",
      "sig-2",
      "xapp-3",
      "teams-4",
      "bob",
      "carol",
    ]) {
      expect(line).not.toContain(secret);
    }
    const entry = JSON.parse(line);
    expect(entry.msg).toBe("request to https://[redacted]@acme.service-now.com failed");
    expect(entry.url).toBe("https://[redacted]@acme.service-now.com");
    expect(entry.err.message).toBe("GET https://[redacted]@acme.service-now.com/api failed");
  });

  it("honours the level", () => {
    const { lines, stream } = capture();
    const log = createLogger("warn", stream);
    log.info({}, "quiet");
    log.warn({}, "loud");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["loud"]);
  });
});
