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

  it("honours the level", () => {
    const { lines, stream } = capture();
    const log = createLogger("warn", stream);
    log.info({}, "quiet");
    log.warn({}, "loud");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["loud"]);
  });
});
