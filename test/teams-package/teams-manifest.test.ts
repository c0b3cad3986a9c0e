import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppManifestUtils } from "@microsoft/app-manifest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TEAMS_COMMANDS } from "../../src/adapters/teams/render/index.js";
import { pngSize } from "../../src/teams-package/encode-png.js";
import { PLACEHOLDER_BOT_ID, packageTeamsApp } from "../../src/teams-package/package-teams-app.js";
import { readStoredZip } from "../../src/teams-package/write-stored-zip.js";
import { tempDir } from "../helpers/temp-db.js";

const DIR = join(import.meta.dirname, "../../manifests/teams");
/** The parts of manifest.json the tests read. */
interface ManifestJson {
  $schema: string;
  accentColor: string;
  icons: { color: string; outline: string };
  bots?: { botId: string; scopes: string[]; commandLists?: { commands: { title: string }[] }[] }[];
}

const manifest = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8")) as ManifestJson;

describe("Teams app manifest and package", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is valid against the official schema, offline", async () => {
    // The package maps developer.microsoft.com schema URLs to the copies it ships; no network.
    vi.stubGlobal("fetch", () => Promise.reject(new Error("no network in this test")));
    expect(manifest.$schema).toMatch(/json-schemas\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    expect(await AppManifestUtils.validateAgainstSchema(manifest as never)).toEqual([]);
    const broken = {
      ...manifest,
      accentColor: "blue",
      bots: [{ ...manifest.bots![0]!, scopes: ["everywhere"] }],
    };
    const problems = await AppManifestUtils.validateAgainstSchema(broken as never);
    expect(problems.join("\n")).toMatch(/accentColor/);
    expect(problems.join("\n")).toMatch(/scopes/);
  });

  it("lists the bot's commands and scopes", () => {
    const bot = manifest.bots?.[0];
    expect(bot?.scopes).toEqual(["personal", "team"]);
    expect(bot?.commandLists?.[0]?.commands.map((c) => c.title)).toEqual(
      TEAMS_COMMANDS.map((c) => c.usage.split(" ")[0]),
    );
  });

  it("has a 192×192 colour icon and a 32×32 white-on-transparent outline icon", () => {
    const color = readFileSync(join(DIR, manifest.icons.color));
    const outline = readFileSync(join(DIR, manifest.icons.outline));
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    expect(pngSize(outline)).toEqual({ width: 32, height: 32 });
    expect(outline[25]).toBe(6); // colour type RGBA: the outline needs transparency
  });

  it("packages manifest.json and both icons into the zip, with the bot id from TEAMS_APP_ID", () => {
    const out = join(tempDir(), "warden-teams.zip");
    const appId = "11111111-2222-4333-8444-555555555555";
    packageTeamsApp({ dir: DIR, out, env: { TEAMS_APP_ID: appId } });
    const entries = readStoredZip(readFileSync(out));
    expect(entries.map((e) => e.name)).toEqual(["manifest.json", "color.png", "outline.png"]);
    const packed = JSON.parse(entries[0]!.data.toString("utf8")) as ManifestJson;
    expect(packed.bots?.[0]?.botId).toBe(appId);
    expect(entries[1]!.data.equals(readFileSync(join(DIR, "color.png")))).toBe(true);
    expect(() => packageTeamsApp({ dir: DIR, out, env: { TEAMS_APP_ID: "not-a-guid" } })).toThrow(/GUID/);
  });

  it("refuses to package the placeholder bot id, saying to set TEAMS_APP_ID, and accepts a manifest with a real one", () => {
    expect(manifest.bots?.[0]?.botId).toBe(PLACEHOLDER_BOT_ID);
    const out = join(tempDir(), "warden-teams.zip");
    for (const env of [{}, { TEAMS_APP_ID: "" }, { TEAMS_APP_ID: PLACEHOLDER_BOT_ID.toUpperCase() }]) {
      expect(() => packageTeamsApp({ dir: DIR, out, env })).toThrow(
        `${join(DIR, "manifest.json")} has the placeholder bot id ${PLACEHOLDER_BOT_ID}: set TEAMS_APP_ID`,
      );
    }
    expect(existsSync(out)).toBe(false);

    // A manifest edited to carry the real bot id needs no TEAMS_APP_ID.
    const edited = tempDir();
    const botId = "11111111-2222-4333-8444-555555555555";
    writeFileSync(
      join(edited, "manifest.json"),
      JSON.stringify({ ...manifest, bots: [{ ...manifest.bots![0]!, botId }] }),
    );
    for (const icon of [manifest.icons.color, manifest.icons.outline])
      copyFileSync(join(DIR, icon), join(edited, icon));
    packageTeamsApp({ dir: edited, out, env: {} });
    const packed = JSON.parse(readStoredZip(readFileSync(out))[0]!.data.toString("utf8")) as ManifestJson;
    expect(packed.bots?.[0]?.botId).toBe(botId);
  });
});
