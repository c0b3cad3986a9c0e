import type { Config } from "../config/load-config.js";
import { StoreError } from "../errors.js";
import type { Logger } from "../logger.js";
import { redactUrl } from "../redact-url.js";
import { type ConnectorRegistry, createConnectorRegistry } from "../sources/connector-registry.js";
import { openSqliteStore } from "../store/open-sqlite-store.js";
import { describeInstance, instanceIdentity } from "../store/source-instance.js";
import type { Store } from "../store/store.js";
import { type ChatPlatforms, createChatPlatforms } from "./create-chat-platforms.js";
import { createServiceNowSource } from "./create-servicenow-source.js";
import { resolveServiceNow } from "./resolve-servicenow.js";

/** Everything a command needs, built once from the configuration. */
export interface Warden {
  config: Config;
  /** The store port over the database: what callers use to read and write. */
  store: Store;
  /** The configured sources' connectors, by source name (today: ServiceNow's, SERVICENOW_SOURCE). */
  connectors: ConnectorRegistry;
  /** The chat platforms, one Slack client and one Teams adapter for the process (built on first use). */
  chat: ChatPlatforms;
  logger: Logger;
  now: () => Date;
  /** Where the source lives; "simulated" when warden started its own instance. */
  sourceUrl: string;
  simulated: boolean;
  /** Set when WARDEN_ALLOW_INSTANCE_CHANGE let this start move the database to another instance. */
  instanceChange?: { from: string; to: string } | undefined;
  close(): Promise<void>;
}

export interface OpenWardenDeps {
  logger: Logger;
  now?: () => Date;
  /** The process's chat platforms, when the caller built them already; else built here. */
  chat?: ChatPlatforms;
  /**
   * The store over config.dbPath, when the caller opened it already (a test that needs its own
   * handle on the connection); else opened here. Either way it is closed by Warden.close.
   */
  store?: Store;
}

/**
 * The composition root: store, source connector (the configured ServiceNow instance, or the
 * built-in simulated one when SERVICENOW_URL is unset), chat platforms (createChatPlatforms, one
 * Slack client and one Teams adapter, unless the caller built them already), clock and logger.
 * Only this function and the CLI decide what is real; everything below receives its collaborators.
 */
export async function openWarden(config: Config, deps: OpenWardenDeps): Promise<Warden> {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger;
  const store = deps.store ?? openSqliteStore(config.dbPath);
  let instanceChange: Warden["instanceChange"];
  let target: Awaited<ReturnType<typeof resolveServiceNow>>;
  try {
    // Every command here writes (a scan, a message, a click): a database that cannot take a write
    // is one clear line now, not an SQLite error halfway through.
    const writable = await store.health.checkDatabaseWritable(config.dbPath);
    if (!writable.ok) {
      throw new StoreError(
        "E_STORE_NOT_WRITABLE",
        `cannot use the database ${config.dbPath} (WARDEN_DB): ${writable.reason}`,
      );
    }
    // One database, one instance: refused before anything is read from or written to the source.
    const instance = instanceIdentity(config.servicenow.url);
    const claim = await store.settings.claimSourceInstance({
      instance,
      allowChange: config.allowInstanceChange,
      dbPath: config.dbPath,
      at: now(),
    });
    if (claim.kind === "changed") instanceChange = { from: claim.previous, to: instance };
    // A scan left "running" by a process that died is recorded as failed, once, at start.
    await store.scans.failInterruptedScans(now());
    target = await resolveServiceNow(config, now);
  } catch (error) {
    await store.close();
    throw error;
  }
  if (instanceChange) {
    // The CLI says it on stderr in words; the audit log has it too.
    logger.info(
      { from: instanceChange.from, to: instanceChange.to },
      `WARDEN_ALLOW_INSTANCE_CHANGE=true: the database now belongs to ${describeInstance(instanceChange.to)}`,
    );
  }
  if (target.simulated) {
    logger.info(
      { url: target.baseUrl },
      "SERVICENOW_URL is not set: using the built-in simulated ServiceNow instance",
    );
  }
  const { connector } = createServiceNowSource(config, target, logger);
  return {
    config,
    store,
    connectors: createConnectorRegistry([connector]),
    chat: deps.chat ?? createChatPlatforms(config, logger),
    logger,
    now,
    sourceUrl: config.servicenow.url === undefined ? "simulated" : redactUrl(config.servicenow.url),
    simulated: config.servicenow.url === undefined,
    instanceChange,
    async close() {
      await target.close();
      await store.close();
    },
  };
}
