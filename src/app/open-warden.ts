import type { Config } from "../config/load-config.js";
import { StoreError } from "../errors.js";
import type { Logger } from "../logger.js";
import { redactUrl } from "../redact-url.js";
import type { Ticketing } from "../remediation/open-decision-ticket.js";
import { type ConnectorRegistry, createConnectorRegistry } from "../sources/connector-registry.js";
import type { SourceConnector } from "../sources/source-connector.js";
import { openConfiguredStore } from "../store/open-configured-store.js";
import { describeInstance, instanceIdentity } from "../store/source-instance.js";
import type { Store } from "../store/store.js";
import { createTicketOpener } from "../tickets/open-ticket.js";
import { type ChatPlatforms, createChatPlatforms } from "./create-chat-platforms.js";
import { createEntraSource } from "./create-entra-source.js";
import { createServiceNowSource } from "./create-servicenow-source.js";
import { type EntraTarget, resolveEntra } from "./resolve-entra.js";
import { resolveServiceNow, type ServiceNowTarget, scansServiceNow } from "./resolve-servicenow.js";

/** Everything a command needs, built once from the configuration. */
export interface Warden {
  config: Config;
  /** The store port over the database: what callers use to read and write. */
  store: Store;
  /** The configured sources' connectors, by source name ("servicenow", "entra"), in scan order. */
  connectors: ConnectorRegistry;
  /** Each scanned source in words, by source name, for the CLI ("the built-in simulated Entra tenant"). */
  sources: ReadonlyMap<string, SourceDescription>;
  /** The chat platforms, one Slack client and one Teams adapter for the process (built on first use). */
  chat: ChatPlatforms;
  logger: Logger;
  now: () => Date;
  /** Where ServiceNow lives; "simulated" when warden started its own instance. */
  sourceUrl: string;
  /** Every scanned source is a built-in simulated one (the no-configuration demo). */
  simulated: boolean;
  /** Ticket mode (WARDEN_MODE=ticket): where changes are asked for; undefined in other modes. */
  ticketing?: Ticketing | undefined;
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
  /**
   * The no-configuration demo (`warden demo`): with neither SERVICENOW_URL nor ENTRA_TENANT_ID set,
   * the simulated Entra tenant is scanned beside the simulated ServiceNow instance. Other commands
   * keep the simulated ServiceNow instance alone, so their database does not depend on the demo.
   */
  demo?: boolean;
  /** PEM of a CA to trust for ENTRA_AUTHORITY_HOST / ENTRA_GRAPH_URL (tests' simulated tenant). */
  entraCa?: string;
}

export interface SourceDescription {
  /** "the built-in simulated ServiceNow instance", "https://acme.service-now.com", "Entra tenant contoso.onmicrosoft.com". */
  label: string;
  simulated: boolean;
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
  const store = deps.store ?? (await openConfiguredStore(config)).store;
  let instanceChange: Warden["instanceChange"];
  let target: ServiceNowTarget | undefined;
  let entra: EntraTarget | undefined;
  const scanServiceNow = scansServiceNow(config);
  try {
    // Every command here writes (a scan, a message, a click): a database that cannot take a write
    // is one clear line now, not an SQLite error halfway through.
    const named =
      config.databaseUrl === undefined
        ? { path: config.dbPath, shown: `${config.dbPath} (WARDEN_DB)` }
        : { path: store.location, shown: `${store.location} (WARDEN_DATABASE_URL)` };
    const writable = await store.health.checkDatabaseWritable(named.path);
    if (!writable.ok) {
      throw new StoreError(
        "E_STORE_NOT_WRITABLE",
        `cannot use the database ${named.shown}: ${writable.reason}`,
      );
    }
    if (scanServiceNow) {
      // One database, one instance: refused before anything is read from or written to the source.
      const instance = instanceIdentity(config.servicenow.url);
      const claim = await store.settings.claimSourceInstance({
        instance,
        allowChange: config.allowInstanceChange,
        dbPath: config.dbPath,
        at: now(),
      });
      if (claim.kind === "changed") instanceChange = { from: claim.previous, to: instance };
    }
    // A scan left "running" by a process that died is recorded as failed, once, at start.
    await store.scans.failInterruptedScans(now());
    if (scanServiceNow) target = await resolveServiceNow(config, now);
    entra = await resolveEntra(config, now, {
      simulate: deps.demo === true && config.servicenow.url === undefined,
      logger,
    });
  } catch (error) {
    await target?.close();
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
  const connectors: SourceConnector[] = [];
  let ticketing: Ticketing | undefined;
  const sources = new Map<string, SourceDescription>();
  if (target) {
    if (target.simulated) {
      logger.info(
        { url: target.baseUrl },
        "SERVICENOW_URL is not set: using the built-in simulated ServiceNow instance",
      );
    }
    const { client, connector } = createServiceNowSource(config, target, logger);
    connectors.push(connector);
    if (config.mode === "ticket") {
      // Tickets go to this instance, for every source's accounts (Entra's too).
      const { table, fields } = config.tickets;
      ticketing = {
        open: createTicketOpener(client, { instanceUrl: target.baseUrl, table }),
        table,
        fields,
        instanceUrl: target.baseUrl,
      };
    }
    sources.set(connector.name, {
      label: target.simulated
        ? "the built-in simulated ServiceNow instance"
        : redactUrl(config.servicenow.url ?? target.baseUrl),
      simulated: target.simulated,
    });
  }
  if (entra) {
    if (entra.simulated) {
      logger.info({ url: entra.config.graphUrl }, "demo: also scanning the built-in simulated Entra tenant");
    }
    const connector = createEntraSource(entra.config, logger, { ca: entra.ca ?? deps.entraCa });
    connectors.push(connector);
    sources.set(connector.name, {
      label: entra.simulated
        ? "the built-in simulated Entra tenant"
        : `Entra tenant ${entra.config.tenantId}`,
      simulated: entra.simulated,
    });
  }
  return {
    config,
    store,
    connectors: createConnectorRegistry(connectors),
    sources,
    chat: deps.chat ?? createChatPlatforms(config, logger),
    logger,
    now,
    sourceUrl: config.servicenow.url === undefined ? "simulated" : redactUrl(config.servicenow.url),
    simulated: [...sources.values()].every((source) => source.simulated),
    instanceChange,
    ticketing,
    async close() {
      await target?.close();
      await entra?.close();
      await store.close();
    },
  };
}
