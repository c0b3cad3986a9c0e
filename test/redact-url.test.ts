import { describe, expect, it } from "vitest";
import { hasUserInfo, redactUrl, redactUrlsIn } from "../src/redact-url.js";

describe("redactUrl", () => {
  it("leaves a URL without credentials exactly as given", () => {
    for (const url of [
      "https://acme.service-now.com",
      "http://127.0.0.1:4010/",
      "https://slack.com/api/",
      "https://acme.service-now.com/sub/path?x=1#top",
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it("replaces a user name and password, keeping host, port and path", () => {
    expect(redactUrl("https://bob:hunter2@acme.service-now.com")).toBe(
      "https://[redacted]@acme.service-now.com/",
    );
    expect(redactUrl("http://bob:hunter2@127.0.0.1:4010/api?x=1")).toBe(
      "http://[redacted]@127.0.0.1:4010/api?x=1",
    );
    expect(redactUrl("https://only-user@acme.service-now.com")).toBe(
      "https://[redacted]@acme.service-now.com/",
    );
  });

  it("takes out a password with an @, a percent-encoded one, and one split by a newline", () => {
    for (const url of [
      "https://bob:p@ss@acme.service-now.com",
      "https://bob:hunter%32@acme.service-now.com",
      "https://bob:hun\nter2@acme.service-now.com",
    ]) {
      const shown = redactUrl(url);
      expect(shown).toBe("https://[redacted]@acme.service-now.com/");
    }
  });

  it("cuts everything before the last @ from text that is not a URL", () => {
    expect(redactUrl("https://bob:hunter2@acme service-now.com")).toBe(
      "https://[redacted]@acme service-now.com",
    );
    expect(redactUrl("https://bob:hun/ter2@acme.service-now.com")).toBe(
      "https://[redacted]@acme.service-now.com",
    );
    expect(redactUrl("bob:hunter2@acme.service-now.com")).toBe("[redacted]@acme.service-now.com");
    expect(redactUrl("acme.service-now.com")).toBe("acme.service-now.com");
  });

  it("catches a URL with credentials nested in the query", () => {
    expect(redactUrl("https://acme.example/?next=https://bob:hunter2@evil.example")).toBe(
      "https://acme.example/?next=https://[redacted]@evil.example",
    );
  });
});

describe("redactUrlsIn", () => {
  it("redacts every URL's user info in free text and JSON, and nothing else", () => {
    const line = JSON.stringify({
      msg: "GET https://bob:hunter2@a.example/x failed; see http://carol:s3cret@b.example",
      owner: "raj.patel@acme.example",
      url: "https://a.example",
      other: "mail bob@acme.example",
    });
    const out = redactUrlsIn(line);
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("s3cret");
    expect(JSON.parse(out)).toEqual({
      msg: "GET https://[redacted]@a.example/x failed; see http://[redacted]@b.example",
      owner: "raj.patel@acme.example",
      url: "https://a.example",
      other: "mail bob@acme.example",
    });
  });
});

describe("hasUserInfo", () => {
  it("says whether a URL carries credentials", () => {
    expect(hasUserInfo("https://bob:hunter2@acme.service-now.com")).toBe(true);
    expect(hasUserInfo("https://bob@acme.service-now.com")).toBe(true);
    expect(hasUserInfo("https://acme.service-now.com/@me")).toBe(false);
    expect(hasUserInfo("not a url")).toBe(false);
  });
});
