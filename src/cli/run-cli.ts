import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderDigestText } from "../adapters/terminal/render-digest-text.js";
import { renderLookupText } from "../adapters/terminal/render-lookup-text.js";
import { renderOwnerMessagesText } from "../adapters/terminal/render-owner-messages-text.js";
import { openWarden, type Warden } from "../app/open-warden.js";
import { notifyOwners, postDigest } from "../app/post-digest.js";
import { startServer } from "../app/start-server.js";
import { runAuditCommand } from "../audit/run-audit-command.js";
import { loadConfig } from "../config/load-config.js";
import { runDoctorCommand } from "../doctor/run-doctor-command.js";
import { ConfigError, UsageError, WardenError } from "../errors.js";
import { createLogger, type Logger } from "../logger.js";
import { redactUrlsIn } from "../redact-url.js";
import { runScan, type ScanOutcome } from "../scan/run-scan.js";
import { openDatabase } from "../store/open-database.js";
import { buildDigest } from "../views/build-digest.js";
import { buildLookup } from "../views/build-lookup.js";
import { buildOwnerMessages } from "../views/build-owner-messages.js";
import { createProgressLine } from "./progress-line.js";

/** What the CLI touches of the outside world; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress line). */
  isTTY: boolean;
  now?: () => Date;
  logger?: Logger;
}

const HELP = `warden: keeps an organisation's machine identities safe

Usage:
  warden demo                        scan, then print the digest and the owner messages (npm start)
  warden scan [--json]               scan every configured source now and store the result
  warden serve                       run the bot: HTTP server for Slack (POST /slack/events) and
                                     Teams (POST /api/messages), /healthz, /readyz
  warden notify                      send owners their direct messages for open findings (Slack, Teams)
  warden digest [--print]            post the digest to the Slack/Teams digest channels, or print it
  warden lookup <account> [--json]   show one account (user name or sys_id)
  warden doctor [--json]             check configuration, the instance, the bot account's rights, Slack and Teams
  warden audit [--since DATE] [--format json|csv] [--verify]
                                     export decisions and the audit log; --verify checks its hash chain
  warden help                        this text

Configuration comes from environment variables (see README). With no SERVICENOW_URL,
warden starts a built-in simulated ServiceNow instance.`;

/** Runs one CLI command; resolves to the process exit code (0 ok, 1 failure, 2 usage/config). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const print = (text: string) => io.stdout.write(`${text}\n`);
  const [command = "help", ...rest] = argv;
  try {
    if (command === "help" || command === "--help" || command === "-h") {
      print(HELP);
      return 0;
    }
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        json: { type: "boolean", default: false },
        print: { type: "boolean", default: false },
        since: { type: "string" },
        format: { type: "string" },
        verify: { type: "boolean", default: false },
      },
      allowPositionals: true,
    });
    const config = loadConfig(io.env);
    if (command === "audit") {
      // The audit log needs only the database: no source, no simulated instance.
      if (config.dbPath !== ":memory:" && !existsSync(config.dbPath)) {
        throw new UsageError(`There is no warden database at ${config.dbPath} (WARDEN_DB).`);
      }
      const db = openDatabase(config.dbPath);
      try {
        return runAuditCommand(
          db,
          { since: values.since, format: values.format, verify: values.verify },
          { write: (chunk) => io.stdout.write(chunk) },
        );
      } finally {
        db.close();
      }
    }
    // One-shot commands print their own summary; their logs stay quiet unless LOG_LEVEL asks.
    const level = io.env.LOG_LEVEL ? config.logLevel : "warn";
    const logger = io.logger ?? createLogger(level, io.stderr);
    if (command === "doctor") {
      // The doctor reads, never writes: it needs no database.
      return await runDoctorCommand(config, {
        print,
        logger,
        ...(io.now ? { now: io.now } : {}),
        json: values.json,
      });
    }
    const warden = await openWarden(config, { logger, ...(io.now ? { now: io.now } : {}) });
    try {
      switch (command) {
        case "scan": {
          const outcome = await scanWithProgress(warden, io);
          print(
            values.json
              ? JSON.stringify(scanSummary(warden, outcome), null, 2)
              : formatScanSummary(warden, outcome),
          );
          return 0;
        }
        case "digest": {
          if (values.print) {
            const giveUpDays = warden.config.deliveryGiveUpDays;
            print(renderDigestText(buildDigest(warden.db, { now: warden.now(), giveUpDays })));
            return 0;
          }
          const posted = await postDigest(warden);
          print(
            posted.failed > 0
              ? "The digest could not be posted (see the log); unless it was refused for good, warden retries it."
              : "Digest posted.",
          );
          return posted.failed > 0 ? 1 : 0;
        }
        case "notify": {
          const result = await notifyOwners(warden);
          print(
            `Owner messages: ${result.queued} new, ${result.sent} sent, ${result.failed} failed, ${result.retrying} waiting to be retried, ${result.unknown} interrupted earlier (not re-sent).`,
          );
          return result.failed > 0 ? 1 : 0;
        }
        case "serve": {
          const server = await startServer(warden, { port: warden.config.port, schedules: true });
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
          const query = positionals.join(" ");
          if (query.trim() === "")
            throw new UsageError("Usage: warden lookup <account> (a user name or sys_id)");
          const view = buildLookup(warden.db, query);
          print(values.json ? JSON.stringify(view, null, 2) : renderLookupText(view));
          return view.found ? 0 : 1;
        }
        case "demo": {
          const outcome = await scanWithProgress(warden, io);
          print(formatScanSummary(warden, outcome));
          print("");
          print(renderDigestText(buildDigest(warden.db, { now: warden.now() })));
          print("");
          print("Direct messages owners would get (no chat platform is configured, so they are printed):");
          print(renderOwnerMessagesText(buildOwnerMessages(warden.db)));
          return 0;
        }
        default:
          throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
      }
    } finally {
      await warden.close();
    }
  } catch (error) {
    io.stderr.write(`${describeError(error)}\n`);
    const usage = error instanceof UsageError || error instanceof ConfigError || isParseArgsError(error);
    return usage ? 2 : 1;
  }
}

async function scanWithProgress(warden: Warden, io: CliIo): Promise<ScanOutcome> {
  const progress = createProgressLine(io.stderr, io.isTTY);
  try {
    return await runScan({
      db: warden.db,
      connector: warden.connector,
      now: warden.now,
      logger: warden.logger,
      dormantDays: warden.config.dormantDays,
      onProgress: progress.update,
    });
  } finally {
    progress.clear();
  }
}

function scanSummary(warden: Warden, outcome: ScanOutcome) {
  return {
    scanId: outcome.scanId,
    source: outcome.inventory.source,
    instance: warden.sourceUrl,
    identities: outcome.inventory.identities.length,
    findings: [...outcome.findings.values()].reduce((n, list) => n + list.length, 0),
    opened: outcome.changes.opened,
    resolved: outcome.changes.resolved,
    score: outcome.score,
    blindSpots: outcome.inventory.blindSpots,
    requests: outcome.inventory.requests,
  };
}

function formatScanSummary(warden: Warden, outcome: ScanOutcome): string {
  const s = scanSummary(warden, outcome);
  const lines = [
    `Scanned ${s.instance === "simulated" ? "the built-in simulated ServiceNow instance" : s.instance}: ${s.identities} machine identities, ${s.findings} findings (${s.opened} new, ${s.resolved} resolved), score ${s.score.value}/100, ${s.requests} requests.`,
  ];
  for (const spot of s.blindSpots) lines.push(`  blind spot: ${spot.signal} (${spot.table}): ${spot.reason}`);
  return lines.join("\n");
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
  if (isParseArgsError(error)) return `warden: ${(error as Error).message}. Run \`warden help\`.`;
  if (error instanceof Error) return `warden: unexpected error: ${error.message}`;
  return `warden: unexpected error: ${String(error)}`;
}
