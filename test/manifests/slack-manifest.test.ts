import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "@slack/web-api/dist/types/request/manifest.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (name: string) =>
  parse(readFileSync(join(import.meta.dirname, "../../manifests", name), "utf8")) as Manifest;

describe.each(["slack.yaml", "slack-socket-mode.yaml"])("manifests/%s", (file) => {
  const manifest = read(file);

  it("declares the /warden command and the scopes the features use", () => {
    expect(manifest.features?.slash_commands?.map((c) => c.command)).toEqual(["/warden"]);
    expect(manifest.oauth_config?.scopes?.bot).toEqual(
      expect.arrayContaining(["chat:write", "commands", "im:write", "users:read", "users:read.email"]),
    );
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });

  it("enables the Home tab and subscribes to app_home_opened, and hints at /warden mine", () => {
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toContain("app_home_opened");
    expect(manifest.features?.slash_commands?.[0]?.usage_hint).toMatch(/\bmine\b/);
    const url = manifest.settings?.event_subscriptions?.request_url;
    if (manifest.settings?.socket_mode_enabled) expect(url).toBeUndefined();
    else expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it("stays within Slack's documented manifest limits", () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect((manifest.display_information.description ?? "").length).toBeLessThanOrEqual(140);
    expect((manifest.display_information.long_description ?? "").length).toBeLessThanOrEqual(4000);
    expect(manifest.features?.bot_user?.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    for (const command of manifest.features?.slash_commands ?? []) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect((command.usage_hint ?? "").length).toBeLessThanOrEqual(1000);
    }
  });

  it("points HTTP mode at /slack/events, and Socket Mode at nothing", () => {
    const urls = [
      manifest.settings?.interactivity?.request_url,
      ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
    ];
    if (manifest.settings?.socket_mode_enabled) expect(urls.filter(Boolean)).toEqual([]);
    else for (const url of urls) expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });
});
