import type { ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** One `warden` command: what `warden --help` lists, what `warden <command> --help` prints, what it accepts. */
export interface CommandSpec {
  name: string;
  /** `warden lookup <account> [--json]` */
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** `warden <command> --help`: what it does and where its output goes. */
  details: string;
  /** Its options for the help text: [how it is written, what it does]. */
  optionHelp: readonly (readonly [string, string])[];
  /** Its options (node:util parseArgs); any other option is a usage error. */
  options: Options;
  /** Whether it takes positional arguments (only `lookup` does). */
  positionals: boolean;
}

const json = { json: { type: "boolean", default: false } } as const satisfies Options;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "demo",
    usage: "warden demo",
    summary: "scan, then print the digest and the owner messages (npm start)",
    details: `Scans the configured ServiceNow instance (with no SERVICENOW_URL, the built-in simulated one),
stores the result in WARDEN_DB, and prints the digest and the direct messages owners would get
(stdout), then the next steps (stderr).`,
    optionHelp: [],
    options: {},
    positionals: false,
  },
  {
    name: "scan",
    usage: "warden scan [--json]",
    summary: "scan every configured source now and store the result",
    details: `Scans every configured source now, stores the result and prints a summary on stdout.`,
    optionHelp: [["--json", "print the summary as JSON"]],
    options: json,
    positionals: false,
  },
  {
    name: "serve",
    usage: "warden serve",
    summary: "run the bot: HTTP server for Slack and Teams, and the schedules",
    details: `Runs the bot: one HTTP server (PORT, default 3000) with POST /slack/events (Slack),
POST /api/messages (Teams), GET /healthz and GET /readyz, and the schedules (SCAN_SCHEDULE,
DIGEST_SCHEDULE, in TZ). Prints what it does on stdout, logs on stderr; SIGTERM or Ctrl-C stops it.`,
    optionHelp: [],
    options: {},
    positionals: false,
  },
  {
    name: "notify",
    usage: "warden notify [--preview] [--json]",
    summary: "send owners their direct messages for open findings (Slack, Teams)",
    details: `Sends each owner one direct message about their risky accounts (Slack and/or Teams, whichever
is configured) and prints how many were sent on stdout. Exits 1 if any could not be sent.
With --preview, prints who would get what on each platform, and sends and writes nothing.`,
    optionHelp: [
      ["--preview", "print who would get which message, per platform; send and write nothing"],
      ["--json", "with --preview: print the preview as JSON"],
    ],
    options: { ...json, preview: { type: "boolean", default: false } },
    positionals: false,
  },
  {
    name: "digest",
    usage: "warden digest [--print]",
    summary: "post the digest to the Slack/Teams digest channels, or print it",
    details: `Posts the digest to SLACK_DIGEST_CHANNEL and/or TEAMS_DIGEST_CHANNEL. Exits 1 if it could not be posted.`,
    optionHelp: [["--print", "print the digest on stdout instead of posting it"]],
    options: { print: { type: "boolean", default: false } },
    positionals: false,
  },
  {
    name: "lookup",
    usage: "warden lookup <account> [--json]",
    summary: "show one account (user name or sys_id)",
    details: `Prints one account from the last scans (user name or sys_id, matched literally): state, findings,
owner, activity, decisions. An account that is not found is said on stderr, with the closest names,
and exits 1.`,
    optionHelp: [["--json", "print the result as JSON on stdout, found or not"]],
    options: json,
    positionals: true,
  },
  {
    name: "doctor",
    usage: "warden doctor [--json]",
    summary: "check configuration, the instance, the bot account's rights, Slack and Teams",
    details: `Checks the configuration, the ServiceNow instance, the bot account's rights (without writing),
every table and field warden reads, Slack and Teams. Prints the report on stdout; exits 1 on any FAIL.`,
    optionHelp: [["--json", "print the report as JSON"]],
    options: json,
    positionals: false,
  },
  {
    name: "audit",
    usage:
      "warden audit [--since DATE] [--format json|csv] [--verify] [--archive FILE [--before DATE]] [--verify-archive FILE]",
    summary:
      "export decisions and the audit log; --verify checks its hash chain; --archive moves old entries to a file",
    details: `Exports decisions and the audit log on stdout.
--archive FILE writes the audit entries before --before (default: WARDEN_RETENTION_DAYS ago) to FILE,
as JSON lines in the export's format, and replaces them in the database by a checkpoint that keeps
the hash chain verifiable; it prints the head hash, to keep outside the database. Decisions stay.`,
    optionHelp: [
      ["--since DATE", "only entries from DATE (YYYY-MM-DD, or an ISO 8601 date-time)"],
      ["--format json|csv", "JSON lines (default) or CSV"],
      ["--verify", "check the audit log's hash chain instead; exits 1 if it is broken"],
      ["--archive FILE", "move the oldest audit entries to FILE (never overwritten), leaving a checkpoint"],
      ["--before DATE", "with --archive: the entries before DATE (default: WARDEN_RETENTION_DAYS ago)"],
      ["--verify-archive FILE", "check an archive against its checkpoint; exits 1 if it does not match"],
    ],
    options: {
      since: { type: "string" },
      format: { type: "string" },
      verify: { type: "boolean", default: false },
      archive: { type: "string" },
      before: { type: "string" },
      "verify-archive": { type: "string" },
    },
    positionals: false,
  },
  {
    name: "review",
    usage:
      "warden review start [--source S] [--days N] | review status [--campaign N] [--json] | review report [--campaign N] [--format csv|json|md]",
    summary: "access reviews: start a campaign, show its progress, write the auditor's report",
    details: `start: opens an access review campaign over every active machine identity (of --source only, if
given), each asked of its owner: Still needed (with a reason), Disable, or Not mine, due in --days
(default REVIEW_DAYS, 14). With a chat platform configured, the owners' messages are sent at once.
status: each open campaign (or the last one) with its accounts certified, disabled, reassigned,
pending and overdue, by owner. report: every account of the campaign (default: the open or last
one) with its reviewer, answer, reason, time, decision id and findings, on stdout (md by default).`,
    optionHelp: [
      ["--source S", "start: only this source's accounts (servicenow, entra)"],
      ["--days N", "start: days until the campaign is due (1 to 90; default REVIEW_DAYS, 14)"],
      ["--campaign N", "status, report: this campaign instead of the open (or last) one"],
      ["--format csv|json|md", "report: Markdown (default), CSV, or JSON lines"],
      ["--json", "status: print the progress as JSON"],
    ],
    options: {
      ...json,
      source: { type: "string" },
      days: { type: "string" },
      campaign: { type: "string" },
      format: { type: "string" },
    },
    positionals: true,
  },
  {
    name: "migrate",
    usage: "warden migrate",
    summary: "apply database migrations and exit (a one-off job before a rollout)",
    details: `Brings the database at WARDEN_DB (created if missing), or the PostgreSQL database at
WARDEN_DATABASE_URL when set, up to this warden's schema and prints the schema version before and
after on stdout. Every other command migrates on its own as well; run this one before a rollout to
do it once, ahead of the new version's start (replicas starting together wait for each other).`,
    optionHelp: [],
    options: {},
    positionals: false,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** `warden --help`. */
export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `warden: keeps an organisation's machine identities safe

Usage: warden <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}
  ${"help".padEnd(width)}this text; warden help <command> (or warden <command> --help) for one command

Options:
  -h, --help      this text
  -V, --version   print warden's version

Results go to stdout, messages (errors, warnings, progress, logs) to stderr. Exit codes: 0 done,
1 the command failed, 2 wrong usage or configuration.

Configuration comes from environment variables (see the README, "Configuration"). With no
SERVICENOW_URL, warden starts a built-in simulated ServiceNow instance.`;
}

/** `warden <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  const options = [...command.optionHelp, ["-h, --help", "this text"] as const];
  const width = Math.max(...options.map(([flag]) => flag.length)) + 3;
  return `Usage: ${command.usage}

${command.details}

Options:
${options.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join("\n")}`;
}
