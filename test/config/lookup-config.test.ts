import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";

describe("WARDEN_LOOKUP", () => {
  it("is private by default: lookups answer owners and admins", () => {
    expect(loadConfig({}).lookup).toBe("owners");
    expect(loadConfig({ WARDEN_LOOKUP: "" }).lookup).toBe("owners");
  });

  it("accepts owners and everyone, in any case", () => {
    expect(loadConfig({ WARDEN_LOOKUP: "owners" }).lookup).toBe("owners");
    expect(loadConfig({ WARDEN_LOOKUP: " Everyone " }).lookup).toBe("everyone");
  });

  it("refuses anything else, naming the variable and the allowed values", () => {
    expect(() => loadConfig({ WARDEN_LOOKUP: "all" })).toThrow(ConfigError);
    expect(() => loadConfig({ WARDEN_LOOKUP: "all" })).toThrow(
      'WARDEN_LOOKUP must be "owners" or "everyone" (got "all").',
    );
  });
});
