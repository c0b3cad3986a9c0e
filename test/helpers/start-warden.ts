import type { Database } from "better-sqlite3";
/**
 * One place that starts warden the way the integration tests drive it: the simulated ServiceNow
 * instance (demo data unless told otherwise), the fake Slack Web API or the fake Bot Framework
 * connector, a real SQLite file, one scan on the test's clock, and the real HTTP server on
 * 127.0.0.1. Everything is closed when the test ends (or earlier, with `close()`).
 *
 * @example
 * const t = await startWarden({ platform: "slack", users: [RAJ] });
 * await notifyOwners(t.warden);
 * const [dm] = t.slack.messages("DURAJ");
 * await t.click(RAJ, { channel: "DURAJ", ts: dm.ts }, slackButton(dm, "warden_disable"));
 */
import pg from "pg";
import { expect, onTestFinished } from "vitest";
import { openWarden, type Warden } from "../../src/app/open-warden.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { type RunningServer, startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan, type ScanOutcome } from "../../src/scan/run-scan.js";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  generateTenant,
} from "../../src/sources/entra/simulator/generate-tenant.js";
import {
  type SimulatedTenant,
  startSimulatedTenant,
} from "../../src/sources/entra/simulator/start-simulated-tenant.js";
import type { TenantData } from "../../src/sources/entra/simulator/tenant-data.js";
import type { InstanceData } from "../../src/sources/servicenow/simulator/instance-data.js";
import type { SimulatedInstance } from "../../src/sources/servicenow/simulator/start-simulated-instance.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { PG_TYPES } from "../../src/store/postgres/open-postgres-store.js";
import { type DemoSource, NOW, startDemoSource } from "./demo-source.js";
import { type FakeBotConnector, startFakeBotConnector } from "./fake-bot-connector.js";
import {
  type FakeSlackApi,
  type FakeSlackUser,
  type RecordedSlackCall,
  startFakeSlackApi,
} from "./fake-slack-api.js";
import { inspectDatabase } from "./inspect-db.js";
import { createTestDatabase } from "./postgres-database.js";
import { blockActionsBody, postSlack, type SlackPostResult, slashCommandBody } from "./sign-slack.js";
import { postActivity } from "./teams-activities.js";
import { tempDbPath } from "./temp-db.js";

/** The Slack signing secret warden is started with unless `env` says otherwise. */
export const SLACK_SECRET = "test-signing-secret";
export const SLACK_ADMIN_CHANNEL = "CADMIN";
export const SLACK_DIGEST_CHANNEL = "CDIGEST";
export const TEAMS_ADMIN_CHANNEL = "19:admins@thread.tacv2";
export const TEAMS_DIGEST_CHANNEL = "19:digest@thread.tacv2";
/** The warden admin of the demo (WARDEN_ADMINS) unless `admins` says otherwise. */
export const ADMIN_EMAIL = "secops@acme.example";

/** The variables that point warden at a simulated instance with its demo account. */
export function serviceNowEnv(sim: Pick<SimulatedInstance, "url">): Record<string, string> {
  return { SERVICENOW_URL: sim.url, SERVICENOW_USERNAME: "warden", SERVICENOW_PASSWORD: "warden-demo" };
}

interface CommonOptions {
  /** The simulated instance's data (default: the demo instance, seed 1). */
  instance?: InstanceData;
  /** WARDEN_ADMINS (default: [ADMIN_EMAIL]; [] for none). */
  admins?: string[];
  /**
   * More variables, or other values for the defaults; `undefined` removes a default (e.g. no
   * digest channel, or no signing secret for Socket Mode).
   */
  env?: Record<string, string | undefined>;
  /** Run one scan before serving (default true). */
  scan?: boolean;
  /** Start the HTTP server (default true); false to script the fakes first and call `serve()`. */
  serve?: boolean;
  /** Wraps warden's connection, e.g. to record every statement it prepares (recordStatements). */
  wrapDatabase?: (db: Database) => Database;
  /**
   * Also scan a simulated Entra tenant over HTTPS (ENTRA_* set, its CA trusted): its data, or
   * `true` for the generated demo tenant at NOW.
   */
  entra?: TenantData | true;
  /** The store warden runs on (default sqlite): "postgres" is a new database in the tests' cluster. */
  store?: "sqlite" | "postgres";
}

export interface SlackWardenOptions extends CommonOptions {
  platform: "slack";
  /** The Slack workspace's members, for users.lookupByEmail. */
  users?: FakeSlackUser[];
}

export interface TeamsWardenOptions extends CommonOptions {
  platform: "teams";
}

export interface StartedWarden extends DemoSource {
  warden: Warden;
  /** The simulated Entra tenant, when started with `entra`. */
  tenant?: SimulatedTenant | undefined;
  /** The variables warden was configured with: start `warden` processes on the same database with them. */
  env: Record<string, string>;
  /** The running server (after `serve()` when started with `serve: false`). */
  readonly server: RunningServer;
  /** Starts the server (once). */
  serve(): Promise<RunningServer>;
  /** The clock warden runs on; starts at NOW. */
  now(): Date;
  /** Moves warden's clock on. */
  advance(ms: number): void;
  /** One more scan, on warden's clock (ServiceNow's outcome; the Entra tenant is scanned too when started with it). */
  scan(): Promise<ScanOutcome>;
  /** A second connection to warden's database file, to read what it committed (inspectDatabase); SQLite only. */
  readonly db: Database;
  /**
   * Rows of one statement on warden's database, either backend (`?` placeholders): what it
   * committed, read over a connection of its own. int8 comes back as a number.
   */
  sql<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /** The first column of the first row of `sql`'s answer (a count, a status), or undefined. */
  value(text: string, values?: readonly unknown[]): Promise<unknown>;
  /** Stops the server and closes the database (before the test ends, e.g. to hand it to a process). */
  close(): Promise<void>;
}

/** The thing a Slack click is on: a message in a channel. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** A button of a Slack message (what a click sends back). */
export interface SlackButton {
  action_id: string;
  value?: string;
}

export interface SlackWarden extends StartedWarden {
  slack: FakeSlackApi;
  /** The signing secret warden checks requests with. */
  secret: string;
  /** POSTs a body signed with warden's secret to `url` (default: this server's). */
  post(body: string, url?: string): Promise<SlackPostResult>;
  /**
   * `/warden <text>` from `user` in `channel` (default C1); resolves with the private answer posted
   * to the command's response_url.
   */
  command(user: { id: string }, text: string, channel?: string): Promise<RecordedSlackCall>;
  /** `user` clicks `button` of the message `at`; `url` for another warden process. */
  click(
    user: { id: string },
    at: SlackMessageRef,
    button: SlackButton,
    url?: string,
  ): Promise<SlackPostResult>;
}

export interface TeamsWarden extends StartedWarden {
  fake: FakeBotConnector;
  /** POSTs an activity to warden's /api/messages (or `url`'s). */
  post(activity: object, url?: string): Promise<{ status: number; body: unknown }>;
}

/** Starts warden on Slack or Teams with its fakes (see the file's comment). */
export function startWarden(options: SlackWardenOptions): Promise<SlackWarden>;
export function startWarden(options: TeamsWardenOptions): Promise<TeamsWarden>;
export async function startWarden(
  options: SlackWardenOptions | TeamsWardenOptions,
): Promise<SlackWarden | TeamsWarden> {
  const source = await startDemoSource(options.instance ? { data: options.instance } : {});
  if (options.platform === "slack") {
    const slack = await startFakeSlackApi({ users: options.users ?? [] });
    onTestFinished(() => slack.close());
    const started = await startCore(source, options, {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.url,
      SLACK_ADMIN_CHANNEL,
      SLACK_DIGEST_CHANNEL,
    });
    const secret = started.env.SLACK_SIGNING_SECRET ?? "";
    const post = (body: string, url = started.server.url) => postSlack(url, body, secret);
    return Object.assign(started, {
      slack,
      secret,
      post,
      async command(user: { id: string }, text: string, channel = "C1") {
        const before = slack.callsTo("response_url").length;
        const body = slashCommandBody({
          text,
          userId: user.id,
          channelId: channel,
          responseUrl: slack.responseUrl({ channel, user: user.id }),
        });
        expect((await post(body)).status).toBe(200);
        return slack.until(() => slack.callsTo("response_url")[before], `the answer to /warden ${text}`);
      },
      click(user: { id: string }, at: SlackMessageRef, button: SlackButton, url?: string) {
        const body = blockActionsBody({
          userId: user.id,
          actionId: button.action_id,
          value: button.value ?? "",
          channelId: at.channel,
          messageTs: at.ts,
          responseUrl: slack.responseUrl({ channel: at.channel, ts: at.ts, user: user.id }),
        });
        return post(body, url);
      },
    });
  }
  const fake = await startFakeBotConnector();
  onTestFinished(() => fake.close());
  const started = await startCore(source, options, {
    TEAMS_ENABLED: "true",
    TEAMS_ADMIN_CHANNEL,
    TEAMS_DIGEST_CHANNEL,
  });
  return Object.assign(started, {
    fake,
    post: (activity: object, url = started.server.url) => postActivity(url, activity),
  });
}

async function startCore(
  source: DemoSource,
  options: CommonOptions,
  platformEnv: Record<string, string>,
): Promise<StartedWarden> {
  const env: Record<string, string> = {};
  const postgres = options.store === "postgres" ? await createTestDatabase() : undefined;
  // Dropped after the connections below have closed (onTestFinished runs in reverse order).
  if (postgres) onTestFinished(() => postgres.drop());
  const tenant = options.entra
    ? await startSimulatedTenant({
        data: options.entra === true ? generateTenant({ now: NOW }) : options.entra,
        now: () => NOW,
      })
    : undefined;
  if (tenant) onTestFinished(() => tenant.close());
  const wanted: Record<string, string | undefined> = {
    ...serviceNowEnv(source.sim),
    ...(tenant
      ? {
          ENTRA_TENANT_ID: DEMO_TENANT_ID,
          ENTRA_CLIENT_ID: DEMO_CLIENT_ID,
          ENTRA_CLIENT_SECRET: DEMO_CLIENT_SECRET,
          ENTRA_AUTHORITY_HOST: tenant.url,
          ENTRA_GRAPH_URL: tenant.url,
        }
      : {}),
    ...platformEnv,
    WARDEN_DB: tempDbPath(),
    ...(postgres ? { WARDEN_DATABASE_URL: postgres.url } : {}),
    WARDEN_ADMINS: (options.admins ?? [ADMIN_EMAIL]).join(","),
    ...options.env,
  };
  for (const [name, value] of Object.entries(wanted))
    if (value !== undefined && value !== "") env[name] = value;
  let clock = NOW.getTime();
  const now = () => new Date(clock);
  const config = loadConfig(env);
  const wrap = options.wrapDatabase;
  if (wrap && postgres) throw new Error("wrapDatabase wraps a SQLite connection");
  const store = wrap
    ? createSqliteStore(wrap(openDatabase(config.dbPath)), { location: config.dbPath })
    : undefined;
  const warden = await openWarden(config, {
    logger: silentLogger,
    now,
    ...(store ? { store } : {}),
    ...(tenant ? { entraCa: tenant.ca } : {}),
  });
  let server: RunningServer | undefined;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await server?.close();
      await warden.close();
    })();
    return closed;
  };
  onTestFinished(close);
  const scan = async () => {
    const outcome = await runScan({
      store: warden.store,
      connector: warden.connectors.get("servicenow"),
      now,
      logger: silentLogger,
      dormantDays: 100,
    });
    if (tenant) {
      await runScan({
        store: warden.store,
        connector: warden.connectors.get("entra"),
        now,
        logger: silentLogger,
        dormantDays: 90,
      });
    }
    return outcome;
  };
  if (options.scan ?? true) await scan();
  const serve = async () => {
    server ??= await startServer(warden, { port: 0, host: "127.0.0.1" });
    return server;
  };
  if (options.serve ?? true) await serve();
  let inspector: Database | undefined;
  let client: pg.Client | undefined;
  onTestFinished(async () => {
    await client?.end();
  });
  const sql = async <T>(text: string, values: readonly unknown[] = []): Promise<T[]> => {
    if (!postgres) {
      inspector ??= inspectDatabase(warden.config.dbPath);
      const statement = inspector.prepare(text);
      if (statement.reader) return statement.all(...values) as T[];
      statement.run(...values);
      return [];
    }
    if (!client) {
      client = new pg.Client({ connectionString: postgres.url, types: PG_TYPES });
      await client.connect();
    }
    let n = 0;
    const numbered = text.replace(/\?/g, () => `$${++n}`);
    return (await client.query(numbered, [...values])).rows as T[];
  };
  return {
    ...source,
    warden,
    tenant,
    env,
    get db() {
      if (postgres) throw new Error("t.db is SQLite's: use t.sql or t.value on PostgreSQL");
      inspector ??= inspectDatabase(warden.config.dbPath);
      return inspector;
    },
    sql,
    async value(text, values) {
      const [row] = await sql<Record<string, unknown>>(text, values);
      return row === undefined ? undefined : Object.values(row)[0];
    },
    get server() {
      if (!server) throw new Error("warden is not serving yet: call serve()");
      return server;
    },
    serve,
    now,
    advance(ms) {
      clock += ms;
    },
    scan,
    close,
  };
}

/**
 * For tests of real `warden serve` processes (startServe(t.env)): a database with one scan and the
 * owners' DMs sent, closed so the processes share it; the simulated instance and the fake Slack
 * keep running in the test. The scan and digest schedules name February 29th, so a process has no
 * scan or digest to catch up. `t.click(user, at, button, process.url)` clicks on a process.
 */
export async function prepareSlackProcesses(options: {
  users: FakeSlackUser[];
  secret: string;
  store?: "sqlite" | "postgres";
}): Promise<SlackWarden> {
  const t = await startWarden({
    platform: "slack",
    users: options.users,
    admins: [],
    ...(options.store ? { store: options.store } : {}),
    env: {
      LOG_LEVEL: "silent",
      SLACK_SIGNING_SECRET: options.secret,
      SLACK_ADMIN_CHANNEL: undefined,
      SLACK_DIGEST_CHANNEL: undefined,
      SCAN_SCHEDULE: "0 0 29 2 *",
      DIGEST_SCHEDULE: "0 0 29 2 *",
    },
    serve: false,
  });
  await notifyOwners(t.warden);
  await t.close();
  return t;
}

/** The buttons (and other interactive elements) of a Slack message's blocks. */
export function slackButtons(message: { blocks?: unknown }): SlackButton[] {
  return ((message.blocks ?? []) as { elements?: SlackButton[] }[]).flatMap((b) => b.elements ?? []);
}
