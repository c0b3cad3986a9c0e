import { spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { COMMANDS } from "../../src/cli/commands.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { startDemoSource } from "../helpers/demo-source.js";
import { slackError, startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { runWarden, WARDEN_BIN } from "../helpers/run-warden.js";
import { tempDbPath, tempDir } from "../helpers/temp-db.js";

const ROOT = join(import.meta.dirname, "../..");
const quiet = { LOG_LEVEL: "silent" };
const latest = MIGRATIONS.at(-1)!.version;

/** Each test spawns warden several times: generous, for loaded CI machines. */
const SLOW = 180_000;

/** Lines of a stack trace ("    at fn (file:line:col)"). */
const STACK = /^\s+at /m;

/** The user tests run warden as when file permissions must apply (root passes them). */
const unprivileged = () => {
  const root = process.getuid?.() === 0;
  return {
    uid: root ? 65534 : (process.getuid?.() ?? 0),
    gid: root ? 65534 : (process.getgid?.() ?? 0),
  };
};

describe("warden's command line", () => {
  it(
    "prints usage and exits 0 for --help, -h, help, and every command's --help, running nothing",
    async () => {
      const db = tempDbPath();
      for (const args of [["--help"], ["-h"], ["help"], []]) {
        const run = await runWarden(args, { WARDEN_DB: db }).done;
        expect(run, args.join(" ")).toMatchObject({ code: 0, stderr: "" });
        expect(run.stdout).toMatch(/^warden: .*\n\nUsage: warden <command> \[options\]/);
        for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command.name} `);
        expect(run.stdout).toContain("--version");
      }
      // Every command the contract lists that exists here, migrate included.
      expect(COMMANDS.map((c) => c.name)).toEqual(
        expect.arrayContaining([
          "serve",
          "scan",
          "notify",
          "digest",
          "lookup",
          "doctor",
          "audit",
          "demo",
          "migrate",
        ]),
      );
      const runs = COMMANDS.flatMap((command) =>
        [
          [command.name, "--help"],
          [command.name, "-h"],
          ["help", command.name],
        ].map((args) => ({
          command,
          args,
          run: runWarden(args, { WARDEN_DB: db }).done,
        })),
      );
      for (const { command, args, run } of runs) {
        const result = await run;
        expect(result, args.join(" ")).toMatchObject({ code: 0, stderr: "" });
        expect(result.stdout).toMatch(new RegExp(`^Usage: warden ${command.name}\\b`));
        expect(result.stdout).toContain("-h, --help");
      }
      // --help wins over other arguments and does not run the command.
      const lookup = await runWarden(["lookup", "svc_anything", "--json", "--help"], { WARDEN_DB: db }).done;
      expect(lookup.code).toBe(0);
      expect(lookup.stdout).toMatch(/^Usage: warden lookup <account> \[--json\]/);
      expect(existsSync(db)).toBe(false);
    },
    SLOW,
  );

  it(
    "prints the version from the package.json installed beside it",
    async () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
      const own = await runWarden(["--version"], {}).done;
      expect(own).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
      expect((await runWarden(["-V"], {}).done).stdout).toBe(`${version}\n`);

      // A copy of the build with another package.json: the version is read at run time, not built in.
      const copy = tempDir();
      cpSync(join(ROOT, "dist"), join(copy, "dist"), { recursive: true });
      symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
      writeFileSync(
        join(copy, "package.json"),
        JSON.stringify({ name: "warden", version: "9.8.7-test", type: "module" }),
      );
      const other = spawnSync(process.execPath, [join(copy, "dist/cli.js"), "--version"], {
        encoding: "utf8",
      });
      expect(other.status).toBe(0);
      expect(other.stdout).toBe("9.8.7-test\n");
    },
    SLOW,
  );

  it(
    "refuses an unknown command, option or argument on stderr with exit 2",
    async () => {
      const db = tempDbPath();
      const typo = await runWarden(["scna"], { WARDEN_DB: db }).done;
      expect(typo).toMatchObject({ code: 2, stdout: "" });
      expect(typo.stderr).toBe(
        'warden: unknown command "scna". Did you mean scan? Run `warden --help` for the commands.\n',
      );
      const option = await runWarden(["scan", "--jsn"], { WARDEN_DB: db }).done;
      expect(option).toMatchObject({ code: 2, stdout: "" });
      expect(option.stderr).toBe("warden: Unknown option '--jsn'. Run `warden scan --help`.\n");
      // An option of another command is unknown here too.
      const foreign = await runWarden(["scan", "--since", "2026-01-01"], { WARDEN_DB: db }).done;
      expect(foreign).toMatchObject({ code: 2, stdout: "" });
      expect(foreign.stderr).toContain("Unknown option '--since'");
      const extra = await runWarden(["scan", "now"], { WARDEN_DB: db }).done;
      expect(extra).toMatchObject({ code: 2, stdout: "" });
      expect(extra.stderr).toMatch(/^warden: Unexpected argument 'now'/);
      const global = await runWarden(["--verbose"], { WARDEN_DB: db }).done;
      expect(global).toMatchObject({ code: 2, stdout: "" });
      expect(global.stderr).toContain('unknown option "--verbose"');
      expect(existsSync(db)).toBe(false);
    },
    SLOW,
  );

  it(
    "names the port in one line when it is already in use, exit 1, no stack trace",
    async () => {
      const holder = createServer();
      holder.listen(0, "0.0.0.0");
      await once(holder, "listening");
      onTestFinished(() => void holder.close());
      const port = (holder.address() as { port: number }).port;
      const run = await runWarden(["serve"], {
        ...quiet,
        WARDEN_DB: tempDbPath(),
        PORT: String(port),
        // No slot in the catch-up look-back: nothing to do before listening.
        SCAN_SCHEDULE: "0 0 29 2 *",
        DIGEST_SCHEDULE: "0 0 29 2 *",
      }).done;
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`warden: port ${port} is already in use: set PORT to a free port\n`);
    },
    SLOW,
  );

  it(
    "says 'not found' on stderr with exit 1 and nothing on stdout; with --json the result is on stdout",
    async () => {
      const env = { ...quiet, WARDEN_DB: tempDbPath() };
      expect((await runWarden(["scan"], env).done).code).toBe(0);
      const miss = await runWarden(["lookup", "svc_no_such_account"], env).done;
      expect(miss).toMatchObject({ code: 1, stdout: "" });
      expect(miss.stderr).toBe('warden: No machine identity "svc_no_such_account" in the last scans.\n');
      const json = await runWarden(["lookup", "svc_no_such_account", "--json"], env).done;
      expect(json).toMatchObject({ code: 1, stderr: "" });
      expect(JSON.parse(json.stdout)).toMatchObject({ found: false, query: "svc_no_such_account" });
    },
    SLOW,
  );

  it(
    "says on stderr that the digest could not be posted; says on stdout that it was",
    async () => {
      const slack = await startFakeSlackApi();
      onTestFinished(() => slack.close());
      const env = {
        ...quiet,
        WARDEN_DB: tempDbPath(),
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "digest-secret",
        SLACK_API_URL: slack.url,
        SLACK_DIGEST_CHANNEL: "C0DIGEST",
      };
      expect((await runWarden(["scan"], env).done).code).toBe(0);
      slack.script("chat.postMessage", slackError("channel_not_found"));
      const refused = await runWarden(["digest"], env).done;
      expect(refused).toMatchObject({ code: 1, stdout: "" });
      expect(refused.stderr).toContain("warden: the digest could not be posted");
      const posted = await runWarden(["digest"], { ...env, SLACK_DIGEST_CHANNEL: "C0OTHER" }).done;
      expect(posted).toMatchObject({ code: 0, stdout: "Digest posted.\n", stderr: "" });
      expect(slack.messages("C0OTHER")).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "warns about variables that look like warden's but are not, with the closest name, and carries on",
    async () => {
      const run = await runWarden(["scan"], {
        ...quiet,
        WARDEN_DB: tempDbPath(),
        SERVICENOW_USERNAM: "bot",
        SLACK_SIGNIN_SECRET: "s3cret",
        WARDEN_PORT: "8080",
        // Named by the product contract (some not implemented yet): known, no warning.
        WARDEN_RETENTION_DAYS: "400",
        WARDEN_LOOKUP: "owners",
        ENTRA_TENANT_ID: "",
        REVIEW_DEFAULT: "none",
        // Not warden's prefixes: none of its business.
        SERVICE_NAME: "x",
        SLACKWARE: "15",
      }).done;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Scanned the built-in simulated ServiceNow instance/);
      expect(run.stderr.trim().split("\n")).toEqual([
        "warden: warning: SERVICENOW_USERNAM is not a warden variable and is ignored; did you mean SERVICENOW_USERNAME?",
        "warden: warning: SLACK_SIGNIN_SECRET is not a warden variable and is ignored; did you mean SLACK_SIGNING_SECRET?",
        "warden: warning: WARDEN_PORT is not a warden variable and is ignored; did you mean PORT?",
      ]);
      expect(run.stderr).not.toContain("s3cret");
    },
    SLOW,
  );

  it(
    "ties the database to its instance: refuses another one with one line, unless told to",
    async () => {
      const dbPath = tempDbPath();
      const base = { ...quiet, WARDEN_DB: dbPath };
      expect((await runWarden(["scan"], base).done).code).toBe(0);

      const { sim } = await startDemoSource();
      const real = {
        ...base,
        SERVICENOW_URL: sim.url,
        SERVICENOW_USERNAME: "warden",
        SERVICENOW_PASSWORD: "warden-demo",
      };
      const refused = await runWarden(["scan"], real).done;
      expect(refused).toMatchObject({ code: 2, stdout: "" });
      expect(refused.stderr).toBe(
        `warden: the database ${dbPath} (WARDEN_DB) belongs to the built-in simulated ServiceNow instance, not to the ServiceNow instance ${sim.url} (SERVICENOW_URL): set WARDEN_DB to another file for this instance, or set WARDEN_ALLOW_INSTANCE_CHANGE=true once to move the database to it\n`,
      );
      // Refused before warden asked the instance anything.
      expect(sim.requestCount).toBe(0);
      for (const command of ["lookup", "notify", "digest"]) {
        const other = await runWarden(command === "lookup" ? [command, "svc_x"] : [command], real).done;
        expect(other.code, command).toBe(2);
        expect(other.stderr, command).toContain("belongs to the built-in simulated ServiceNow instance");
      }

      const moved = await runWarden(["scan"], { ...real, WARDEN_ALLOW_INSTANCE_CHANGE: "true" }).done;
      expect(moved.code).toBe(0);
      expect(moved.stdout).toContain(`Scanned ${sim.url}:`);
      expect(moved.stderr).toBe(
        `warden: WARDEN_ALLOW_INSTANCE_CHANGE=true: the database ${dbPath} (WARDEN_DB) now belongs to the ServiceNow instance ${sim.url}, no longer to the built-in simulated ServiceNow instance; unset WARDEN_ALLOW_INSTANCE_CHANGE again.\n`,
      );
      // Recorded: the next run needs no override, and the simulated instance is now the stranger.
      expect((await runWarden(["scan"], real).done).code).toBe(0);
      const back = await runWarden(["scan"], base).done;
      expect(back.code).toBe(2);
      expect(back.stderr).toContain(
        `belongs to the ServiceNow instance ${sim.url}, not to the built-in simulated ServiceNow instance (SERVICENOW_URL is unset)`,
      );

      // Two real instances do not mix either.
      const { sim: second } = await startDemoSource();
      const two = await runWarden(["scan"], { ...real, SERVICENOW_URL: `${second.url}/` }).done;
      expect(two.code).toBe(2);
      expect(two.stderr).toContain(
        `belongs to the ServiceNow instance ${sim.url}, not to the ServiceNow instance ${second.url}`,
      );
      expect(second.requestCount).toBe(0);

      // Stored as the origin only; the change is in the audit log.
      const db = openDatabase(dbPath);
      expect(
        db.prepare("SELECT value FROM settings WHERE key = 'source.servicenow.instance'").pluck().get(),
      ).toBe(new URL(sim.url).origin);
      db.close();
      const audit = await runWarden(["audit"], base).done;
      const changes = audit.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { event?: string; detail?: unknown })
        .filter((entry) => entry.event === "source.instance_changed");
      expect(changes).toEqual([
        expect.objectContaining({ detail: { from: "simulated", to: new URL(sim.url).origin } }),
      ]);
    },
    SLOW,
  );

  it(
    "ends the demo with the next steps: the README sections to read and warden doctor",
    async () => {
      const dbPath = tempDbPath();
      const run = await runWarden(["demo"], { WARDEN_DB: dbPath }).done;
      expect(run.code).toBe(0);
      const steps = run.stderr.trim().split("\n");
      expect(steps[0]).toBe("Next steps:");
      expect(steps.at(-1)).toMatch(/^ {2}\d\. Run `warden doctor`/);
      expect(run.stderr).toContain(`this demo's is ${dbPath} (WARDEN_DB)`);
      // Every README section the steps point to exists.
      const headings = readFileSync(join(ROOT, "README.md"), "utf8")
        .split("\n")
        .filter((line) => line.startsWith("## "))
        .map((line) => line.slice(3));
      const named = [...run.stderr.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(named).toEqual(
        expect.arrayContaining([
          "ServiceNow bot account",
          "Configuration",
          "Slack setup",
          "Microsoft Teams setup",
        ]),
      );
      for (const section of named) expect(headings, section).toContain(section);
    },
    SLOW,
  );

  it(
    "says in one line naming WARDEN_DB and the path when the database cannot be created or written",
    async () => {
      const dir = tempDir();
      // A file where the database's directory should be.
      writeFileSync(join(dir, "not-a-dir"), "");
      const blocked = join(dir, "not-a-dir", "warden.db");
      const run = await runWarden(["scan"], { ...quiet, WARDEN_DB: blocked }).done;
      expect(run).toMatchObject({ code: 1, stdout: "" });
      expect(run.stderr).toBe(
        `warden: cannot use the database ${blocked} (WARDEN_DB): its directory ${join(dir, "not-a-dir")} cannot be created (a file, not a directory, is in the way)\n`,
      );

      // Permissions: as an unprivileged user, since root passes them.
      const user = unprivileged();
      chmodSync(dir, 0o755);
      const readOnlyDir = join(dir, "read-only");
      mkdirSync(readOnlyDir);
      chmodSync(readOnlyDir, 0o555);
      onTestFinished(() => chmodSync(readOnlyDir, 0o755));
      const inReadOnly = join(readOnlyDir, "warden.db");
      const created = await runWarden(["scan"], { ...quiet, WARDEN_DB: inReadOnly }, user).done;
      expect(created).toMatchObject({ code: 1, stdout: "" });
      expect(created.stderr).toBe(
        `warden: cannot use the database ${inReadOnly} (WARDEN_DB): it cannot be opened (its directory ${readOnlyDir} is not writable: permission denied for warden's user)\n`,
      );
      const nested = join(readOnlyDir, "data", "warden.db");
      const mkdir = await runWarden(["scan"], { ...quiet, WARDEN_DB: nested }, user).done;
      expect(mkdir.code).toBe(1);
      expect(mkdir.stderr).toBe(
        `warden: cannot use the database ${nested} (WARDEN_DB): its directory ${join(readOnlyDir, "data")} cannot be created (permission denied for warden's user)\n`,
      );

      // An existing database the user may read but not write: read-only commands still work.
      const owned = join(dir, "owned");
      mkdirSync(owned);
      chownSync(owned, user.uid, user.gid);
      const existing = join(owned, "warden.db");
      expect((await runWarden(["scan"], { ...quiet, WARDEN_DB: existing }, user).done).code).toBe(0);
      chmodSync(existing, 0o444);
      const readOnly = await runWarden(["scan"], { ...quiet, WARDEN_DB: existing }, user).done;
      expect(readOnly).toMatchObject({ code: 1, stdout: "" });
      expect(readOnly.stderr).toBe(
        `warden: cannot use the database ${existing} (WARDEN_DB): the database file ${existing} is read-only for warden's user (permissions): SQLite needs to write both\n`,
      );
      const verify = await runWarden(["audit", "--verify"], { ...quiet, WARDEN_DB: existing }, user).done;
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/^audit log intact: \d+ entries\n$/);

      // A deleted database, for a command that only reads it.
      const gone = await runWarden(["audit"], { ...quiet, WARDEN_DB: join(dir, "deleted.db") }).done;
      expect(gone).toMatchObject({ code: 2, stdout: "" });
      expect(gone.stderr).toBe(
        `warden: There is no warden database at ${join(dir, "deleted.db")} (WARDEN_DB).\n`,
      );
      for (const r of [run, created, mkdir, readOnly, gone]) expect(r.stderr).not.toMatch(STACK);
    },
    SLOW,
  );

  it(
    "migrates the database and prints the schema versions from and to",
    async () => {
      const fresh = tempDbPath();
      const first = await runWarden(["migrate"], { WARDEN_DB: fresh }).done;
      expect(first).toMatchObject({ code: 0, stderr: "" });
      expect(first.stdout).toBe(`Database ${fresh}: schema version 0 → ${latest}.\n`);
      const again = await runWarden(["migrate"], { WARDEN_DB: fresh }).done;
      expect(again.stdout).toBe(
        `Database ${fresh}: schema version ${latest} → ${latest} (already up to date).\n`,
      );

      // An older database: brought up to date, nothing else (no scan, no instance recorded).
      const old = tempDbPath();
      const raw = new BetterSqlite3(old);
      migrate(raw, MIGRATIONS.slice(0, 3));
      raw.close();
      const upgraded = await runWarden(["migrate"], { WARDEN_DB: old }).done;
      expect(upgraded).toMatchObject({ code: 0, stdout: `Database ${old}: schema version 3 → ${latest}.\n` });
      const db = openDatabase(old);
      expect(db.pragma("user_version", { simple: true })).toBe(latest);
      expect(db.prepare("SELECT count(*) FROM scans").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM settings").pluck().get()).toBe(0);
      db.close();
    },
    SLOW,
  );

  it(
    "`npm run package:teams` refuses the placeholder bot id in one line naming what to set",
    async () => {
      const script = join(ROOT, "dist/teams-package/package-teams-app.js");
      expect(existsSync(WARDEN_BIN) && existsSync(script)).toBe(true);
      const run = spawnSync(process.execPath, [script], {
        env: { PATH: process.env.PATH ?? "" },
        encoding: "utf8",
      });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(join(ROOT, "manifests/teams/manifest.json"));
      expect(run.stderr).toContain(
        "placeholder bot id 00000000-0000-4000-8000-000000000000: set TEAMS_APP_ID",
      );
    },
    SLOW,
  );
});
