import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderAlertText } from "../adapters/terminal/render-alert-text.js";
import { renderDigestText } from "../adapters/terminal/render-digest-text.js";
import { renderLookupText } from "../adapters/terminal/render-lookup-text.js";
import { renderNotifyPreviewText } from "../adapters/terminal/render-notify-preview-text.js";
import { renderOwnerMessagesText } from "../adapters/terminal/render-owner-messages-text.js";
import { configuredChats } from "../app/chat-targets.js";
import { createChatPlatforms } from "../app/create-chat-platforms.js";
import type { Warden } from "../app/open-warden.js";
import { runAuditCommand } from "../audit/run-audit-command.js";
import { parseLookupQuery } from "../chat/parse-lookup-query.js";
import { findUnknownVariables } from "../config/find-unknown-variables.js";
import { loadConfig } from "../config/load-config.js";
import { closest, editDistance } from "../edit-distance.js";
import { ConfigError, StoreError, UsageError, WardenError } from "../errors.js";
import { createLogger, type Logger } from "../logger.js";
import { buildAlert } from "../messages/build-alert.js";
import { buildDigest } from "../messages/build-digest.js";
import { buildLookup } from "../messages/build-lookup.js";
import { buildOwnerMessages } from "../messages/build-owner-messages.js";
import { plural } from "../messages/rule-text.js";
import { sourceLabel } from "../messages/source-label.js";
import { redactUrlsIn } from "../redact-url.js";
import type { ScanOutcome } from "../scan/run-scan.js";
import { runScans, type SourceScanResult, succeeded } from "../scan/run-scans.js";
import { scanSettingsFromConfig } from "../scan/scan-settings.js";
import { SERVICENOW_SOURCE } from "../sources/servicenow/servicenow-source.js";
import { openConfiguredStore } from "../store/open-configured-store.js";
import { describeInstance } from "../store/source-instance.js";
import { COMMANDS, type CommandSpec, commandHelp, findCommand, globalHelp } from "./commands.js";
import { createProgressLine } from "./progress-line.js";
import { readVersion } from "./read-version.js";

/** What the CLI touches of the outside world; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress line). */
  isTTY: boolean;
  now?: () => Date;
  logger?: Logger;
  /** PEM of a CA to trust for Entra's hosts (tests' simulated tenant; a real tenant needs none). */
  entraCa?: string;
}

/** Runs one CLI command; resolves to the process exit code (0 ok, 1 failure, 2 usage/config). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Results go to stdout, everything said to a person (errors, warnings, hints) to stderr.
  const print = (text: string) => io.stdout.write(`${text}\n`);
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const [command = "help", ...rest] = argv;
  try {
    if (command === "help" || command === "--help" || command === "-h") {
      const about = rest[0] === undefined ? undefined : findCommand(rest[0]);
      if (rest[0] !== undefined && about === undefined) throw unknownCommand(rest[0]);
      print(about ? commandHelp(about) : globalHelp());
      return 0;
    }
    if (command === "--version" || command === "-V") {
      print(readVersion());
      return 0;
    }
    const spec = findCommand(command);
    if (spec === undefined) throw unknownCommand(command);
    if (wantsHelp(rest)) {
      print(commandHelp(spec));
      return 0;
    }
    const { values: parsed, positionals } = parseCommandArgs(spec, rest);
    const values = parsed as {
      json?: boolean;
      print?: boolean;
      since?: string;
      format?: string;
      verify?: boolean;
      preview?: boolean;
      archive?: string;
      before?: string;
      "verify-archive"?: string;
      source?: string;
      days?: string;
      campaign?: string;
    };
    for (const { name, suggestion } of findUnknownVariables(io.env)) {
      say(`warden: warning: ${name} is not a warden variable and is ignored; did you mean ${suggestion}?`);
    }
    const config = loadConfig(io.env);
    if (command === "migrate") {
      // Only the database: no source, no simulated instance.
      const { store, migrated, described } = await openConfiguredStore(config);
      await store.close();
      print(
        `${described}: schema version ${migrated.from} → ${migrated.to}${migrated.from === migrated.to ? " (already up to date)" : ""}.`,
      );
      return 0;
    }
    if (command === "audit") {
      // The audit log needs only the database: no source, no simulated instance.
      if (config.databaseUrl === undefined && config.dbPath !== ":memory:" && !existsSync(config.dbPath)) {
        throw new UsageError(`There is no warden database at ${config.dbPath} (WARDEN_DB).`);
      }
      const { store } = await openConfiguredStore(config);
      try {
        return await runAuditCommand(
          store.audit,
          {
            since: values.since,
            format: values.format,
            verify: values.verify,
            archive: values.archive,
            before: values.before,
            verifyArchive: values["verify-archive"],
          },
          { write: (chunk) => io.stdout.write(chunk) },
          { now: io.now?.() ?? new Date(), retentionDays: config.retentionDays },
        );
      } finally {
        await store.close();
      }
    }
    // One-shot commands print their own summary; their logs stay quiet unless LOG_LEVEL asks.
    const level = io.env.LOG_LEVEL ? config.logLevel : "warn";
    const logger = io.logger ?? createLogger(level, io.stderr);
    // One Slack client and one Teams adapter for the process, built when a command first uses one.
    const chat = createChatPlatforms(config, logger);
    if (command === "doctor") {
      // The doctor reads, never writes: it needs no database.
      const { runDoctorCommand } = await import("../doctor/run-doctor-command.js");
      return await runDoctorCommand(config, {
        print,
        logger,
        ...(io.now ? { now: io.now } : {}),
        json: values.json === true,
        slack: (await chat.slack())?.client,
      });
    }
    // The chat SDKs take seconds to load on a busy machine: loaded only by the commands that use
    // them, so --help, --version and usage errors answer at once.
    const { openWarden } = await import("../app/open-warden.js");
    const warden = await openWarden(config, {
      logger,
      chat,
      demo: command === "demo",
      ...(io.now ? { now: io.now } : {}),
      ...(io.entraCa ? { entraCa: io.entraCa } : {}),
    });
    if (warden.instanceChange) {
      say(
        `warden: WARDEN_ALLOW_INSTANCE_CHANGE=true: the database ${config.dbPath} (WARDEN_DB) now belongs to ${describeInstance(warden.instanceChange.to)}, no longer to ${describeInstance(warden.instanceChange.from)}; unset WARDEN_ALLOW_INSTANCE_CHANGE again.`,
      );
    }
    try {
      switch (command) {
        case "scan": {
          const { outcomes, failed } = await scanWithProgress(warden, io);
          print(
            values.json
              ? JSON.stringify(scanJson(warden, outcomes), null, 2)
              : outcomes.map((outcome) => formatScanSummary(warden, outcome)).join("\n"),
          );
          // The run's new findings of ALERT_RULES, to the admin channels; nothing without a chat.
          if (configuredChats(warden.config).length > 0) {
            const { postAlerts } = await import("../app/post-alerts.js");
            const alerted = await postAlerts(warden, outcomes);
            if (alerted.view && alerted.posted > 0) {
              say(`Alert of ${plural(alerted.view.total, "new finding")} posted to the admin channel.`);
            }
          }
          return failed > 0 ? 1 : 0;
        }
        case "digest": {
          if (values.print) {
            const giveUpDays = warden.config.deliveryGiveUpDays;
            print(renderDigestText(await buildDigest(warden.store, { now: warden.now(), giveUpDays })));
            return 0;
          }
          const { postDigest } = await import("../app/post-digest.js");
          const posted = await postDigest(warden);
          if (posted.failed > 0) {
            say(
              "warden: the digest could not be posted (the log says why); unless it was refused for good, warden retries it.",
            );
            return 1;
          }
          print("Digest posted.");
          return 0;
        }
        case "notify": {
          if (values.preview) {
            // Read-only: no chat SDK, nothing sent, nothing written.
            const { previewNotify } = await import("../app/preview-notify.js");
            const preview = await previewNotify(warden);
            print(values.json ? JSON.stringify(preview, null, 2) : renderNotifyPreviewText(preview));
            return 0;
          }
          const { notifyOwners } = await import("../app/post-digest.js");
          const result = await notifyOwners(warden);
          print(
            `Owner messages: ${result.queued} new, ${result.sent} sent, ${result.failed} failed, ${result.retrying} waiting to be retried, ${result.unknown} interrupted earlier (not re-sent).`,
          );
          return result.failed > 0 ? 1 : 0;
        }
        case "serve": {
          const { startServer } = await import("../app/start-server.js");
          // One human line per scheduled action on stdout ("scan: …", "owner messages: …").
          const server = await startServer(warden, {
            port: warden.config.port,
            schedules: true,
            report: print,
          });
          print(`warden is listening on port ${new URL(server.url).port} (Ctrl-C to stop)`);
          await new Promise<void>((resolve) => {
            const stop = () => resolve();
            process.once("SIGTERM", stop);
            process.once("SIGINT", stop);
          });
          await server.close();
          return 0;
        }
        case "lookup": {
          const parsed = parseLookupQuery(positionals.join(" "));
          if (!parsed.ok) {
            throw new UsageError(
              parsed.reason === "empty"
                ? "Usage: warden lookup <account> (a user name, display name or sys_id)"
                : parsed.notice,
            );
          }
          const view = await buildLookup(warden.store, parsed.query);
          // --json: the result is the JSON, found or not. Otherwise "not found" is a message, not a result.
          if (values.json) print(JSON.stringify(view, null, 2));
          else if (view.found) print(renderLookupText(view));
          else say(`warden: ${renderLookupText(view)}`);
          return view.found ? 0 : 1;
        }
        case "review": {
          if (positionals.length > 1) {
            throw new UsageError(
              `warden review takes one of start, status, report. Run \`warden review --help\`.`,
            );
          }
          const { runReviewCommand } = await import("../reviews/run-review-command.js");
          return await runReviewCommand(
            warden,
            positionals[0],
            {
              source: values.source,
              days: values.days,
              format: values.format,
              campaign: values.campaign,
              json: values.json,
            },
            { print, say, write: (chunk) => io.stdout.write(chunk) },
          );
        }
        case "demo": {
          const { outcomes } = await scanWithProgress(warden, io);
          for (const outcome of outcomes) print(formatScanSummary(warden, outcome));
          print("");
          print(await demoAlert(warden, outcomes));
          print("");
          print(renderDigestText(await buildDigest(warden.store, { now: warden.now() })));
          print("");
          print("Direct messages owners would get (no chat platform is configured, so they are printed):");
          print(renderOwnerMessagesText(await buildOwnerMessages(warden.store)));
          say(`\n${nextSteps(warden)}`);
          return 0;
        }
        default:
          throw unknownCommand(command);
      }
    } finally {
      await warden.close();
    }
  } catch (error) {
    io.stderr.write(`${describeError(error)}\n`);
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      // A database of another instance: the configuration points at the wrong one.
      (error instanceof StoreError && error.code === "E_STORE_INSTANCE_CHANGED") ||
      isParseArgsError(error);
    return usage ? 2 : 1;
  }
}

/**
 * Scans every configured source with the progress line. A source that fails is said on stderr
 * (as a single source's failure always was) and the others are still scanned; `failed` tells
 * the caller to exit 1.
 */
async function scanWithProgress(
  warden: Warden,
  io: CliIo,
): Promise<{ outcomes: ScanOutcome[]; failed: number }> {
  const progress = createProgressLine(io.stderr, io.isTTY);
  let results: SourceScanResult[];
  try {
    results = await runScans({
      store: warden.store,
      connectors: warden.connectors,
      settingsFor: scanSettingsFromConfig(warden.config),
      now: warden.now,
      logger: warden.logger,
      retentionDays: warden.config.retentionDays,
      onProgress: progress.update,
    });
  } finally {
    progress.clear();
  }
  const failures = results.filter((r) => !r.ok);
  // One source: its failure is the command's error, exactly as before there were several.
  if (results.length === 1 && failures[0]) throw failures[0].error;
  for (const failure of failures) {
    io.stderr.write(
      `warden: the ${failure.source} scan failed: ${describeError(failure.error).replace(/^warden: /, "")}\n`,
    );
  }
  return { outcomes: succeeded(results), failed: failures.length };
}

function scanSummary(warden: Warden, outcome: ScanOutcome) {
  const source = outcome.inventory.source;
  return {
    scanId: outcome.scanId,
    source,
    instance: source === SERVICENOW_SOURCE ? warden.sourceUrl : (warden.sources.get(source)?.label ?? source),
    identities: outcome.inventory.identities.length,
    findings: [...outcome.findings.values()].reduce((n, list) => n + list.length, 0),
    opened: outcome.changes.opened,
    resolved: outcome.changes.resolved,
    score: outcome.score,
    blindSpots: outcome.inventory.blindSpots,
    requests: outcome.inventory.requests,
  };
}

/** `warden scan --json`: one source's summary as an object; several sources' as `{ "scans": [...] }`. */
function scanJson(warden: Warden, outcomes: readonly ScanOutcome[]): unknown {
  const summaries = outcomes.map((outcome) => scanSummary(warden, outcome));
  return warden.connectors.list().length === 1 ? summaries[0] : { scans: summaries };
}

function formatScanSummary(warden: Warden, outcome: ScanOutcome): string {
  const s = scanSummary(warden, outcome);
  const where = warden.sources.get(s.source)?.label ?? s.instance;
  const lines = [
    `Scanned ${where}: ${s.identities} machine identities, ${s.findings} findings (${s.opened} new, ${s.resolved} resolved), score ${s.score.value}/100, ${s.requests} requests.`,
  ];
  for (const spot of s.blindSpots) lines.push(`  blind spot: ${spot.signal} (${spot.table}): ${spot.reason}`);
  return lines.join("\n");
}

/**
 * The demo's immediate alert, printed where the admin channel would get it: the run's new
 * findings of ALERT_RULES, or why there is none (a first scan is the baseline).
 */
async function demoAlert(warden: Warden, outcomes: readonly ScanOutcome[]): Promise<string> {
  if (warden.config.alertRules.length === 0) return "Immediate alert: none (ALERT_RULES is none).";
  const { view, baseline } = await buildAlert(warden.store, {
    scans: outcomes.map((o) => ({ scanId: o.scanId, source: o.inventory.source })),
    rules: warden.config.alertRules,
    now: warden.now(),
  });
  if (view) {
    return `Immediate alert the admin channel would get (no chat platform is configured, so it is printed):\n${renderAlertText(view)}`;
  }
  const first =
    baseline.length > 0
      ? ` This was the first scan of ${baseline.map(sourceLabel).join(" and ")}: its findings are the baseline, in the digest below.`
      : "";
  return `Immediate alert: none, no new finding of ${warden.config.alertRules.join(", ")} in this scan.${first} With a chat platform, a scan that opens one posts it to the admin channel at once.`;
}

/** `warden <command> --help` or `-h` anywhere before a `--`. */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** The command's own options only: anything else is a usage error that points to its help. */
function parseCommandArgs(spec: CommandSpec, args: string[]) {
  try {
    return parseArgs({ args, options: spec.options, allowPositionals: spec.positionals, strict: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    throw new UsageError(`${(error as Error).message}. Run \`warden ${spec.name} --help\`.`);
  }
}

function unknownCommand(name: string): UsageError {
  const suggestion = closest(
    name,
    COMMANDS.map((c) => c.name),
  );
  const hint = suggestion && editDistance(name, suggestion) <= 2 ? ` Did you mean ${suggestion}?` : "";
  return new UsageError(
    `${name.startsWith("-") ? "unknown option" : "unknown command"} "${name}".${hint} Run \`warden --help\` for the commands.`,
  );
}

/** What `npm start` ends with: how to go from the demo to a real instance and chat. */
function nextSteps(warden: Warden): string {
  const steps = warden.simulated
    ? [
        'Connect your ServiceNow instance: see "ServiceNow bot account" and "Configuration" in README.md (SERVICENOW_URL, and OAuth client credentials or a user name and password).',
        'Connect your Entra ID tenant: see "Entra ID app registration" in README.md (ENTRA_TENANT_ID, ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET), beside ServiceNow or instead of it.',
        `Give it its own database: this demo's is ${warden.config.dbPath} (WARDEN_DB), and warden does not mix the simulated sources with real ones.`,
      ]
    : [];
  steps.push(
    'Connect Slack or Microsoft Teams: see "Slack setup" and "Microsoft Teams setup" in README.md.',
    "Run `warden doctor` (in this checkout: npm run warden -- doctor) to check the configuration, the instance and the bot account's rights, then `warden scan` and `warden serve`.",
  );
  return ["Next steps:", ...steps.map((step, i) => `  ${i + 1}. ${step}`)].join("\n");
}

/** node:util parseArgs rejects unknown options with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * One clear message; a WardenError's message already says what to do. Whatever an error says,
 * a URL's user name and password are not printed.
 */
function describeError(error: unknown): string {
  return redactUrlsIn(describe(error));
}

function describe(error: unknown): string {
  if (error instanceof WardenError) return `warden: ${error.message}`;
  if (error instanceof Error) return `warden: unexpected error: ${error.message}`;
  return `warden: unexpected error: ${String(error)}`;
}
