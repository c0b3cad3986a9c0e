import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { drawColorIcon, drawOutlineIcon } from "./draw-icons.js";
import { createStoredZip } from "./write-stored-zip.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bot id committed in manifests/teams/manifest.json: it names no bot, so Teams could not reach warden. */
export const PLACEHOLDER_BOT_ID = "00000000-0000-4000-8000-000000000000";

/** A package that cannot be built; the message says which variable or file to set. */
export class TeamsPackageError extends Error {}

/** The manifest fields the packager fills in. */
interface TeamsManifest {
  id: string;
  icons: { color: string; outline: string };
  bots?: { botId: string }[];
  /** The search message extension runs on the same bot. */
  composeExtensions?: { botId: string }[];
  [field: string]: unknown;
}

/** Writes the two icons Teams requires into `dir` (they are committed; run after changing the mark). */
export function writeTeamsIcons(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "color.png"), drawColorIcon());
  writeFileSync(join(dir, "outline.png"), drawOutlineIcon());
}

/**
 * Builds the zip to upload to Teams (Developer Portal or admin center): manifest.json and the two
 * icons at the root. TEAMS_APP_ID, when set, replaces the placeholder bot id, and TEAMS_MANIFEST_ID
 * the placeholder app id, so the committed manifest can stay generic.
 */
export function packageTeamsApp(options: {
  dir: string;
  out: string;
  env?: Record<string, string | undefined>;
}): { out: string; files: string[] } {
  const env = options.env ?? {};
  const manifest = JSON.parse(readFileSync(join(options.dir, "manifest.json"), "utf8")) as TeamsManifest;
  const botId = env.TEAMS_APP_ID?.trim();
  if (botId) {
    if (!GUID.test(botId))
      throw new TeamsPackageError(`TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID (got "${botId}")`);
    for (const bot of [...(manifest.bots ?? []), ...(manifest.composeExtensions ?? [])]) bot.botId = botId;
  }
  if ((manifest.bots ?? []).some((bot) => bot.botId.toLowerCase() === PLACEHOLDER_BOT_ID)) {
    throw new TeamsPackageError(
      `${join(options.dir, "manifest.json")} has the placeholder bot id ${PLACEHOLDER_BOT_ID}: set TEAMS_APP_ID to the bot's Microsoft App ID (a GUID, from its Azure Bot registration), e.g. TEAMS_APP_ID=<app id> npm run package:teams`,
    );
  }
  const appId = env.TEAMS_MANIFEST_ID?.trim();
  if (appId) {
    if (!GUID.test(appId)) throw new TeamsPackageError(`TEAMS_MANIFEST_ID must be a GUID (got "${appId}")`);
    manifest.id = appId;
  }
  const files = ["manifest.json", manifest.icons.color, manifest.icons.outline];
  const zip = createStoredZip([
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") },
    { name: manifest.icons.color, data: readFileSync(join(options.dir, manifest.icons.color)) },
    { name: manifest.icons.outline, data: readFileSync(join(options.dir, manifest.icons.outline)) },
  ]);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, zip);
  return { out: options.out, files };
}

// `npm run package:teams` (after the build): dist/teams-package/package-teams-app.js [--icons]
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const dir = join(root, "manifests", "teams");
  if (process.argv.includes("--icons")) writeTeamsIcons(dir);
  try {
    const { out, files } = packageTeamsApp({
      dir,
      out: join(root, "dist", "warden-teams.zip"),
      env: process.env,
    });
    process.stdout.write(`Wrote ${out} (${files.join(", ")})\n`);
  } catch (error) {
    // One line that says what to set; a stack trace only for what was not foreseen.
    if (!(error instanceof TeamsPackageError)) throw error;
    process.stderr.write(`package:teams: ${error.message}\n`);
    process.exitCode = 1;
  }
}
