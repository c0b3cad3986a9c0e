import type { EntraConfig } from "../../config/load-config.js";
import type { AccountIntent, AccountState, SourceConnector } from "../source-connector.js";
import { collectEntraInventory, ENTRA_PATHS } from "./collect-entra-inventory.js";
import { createEntraTokenProvider, type EntraTokenProvider } from "./entra-token-provider.js";
import {
  APPLICATION_CREDENTIAL_FIELDS,
  applicationByAppIdPath,
  describeExpiredCredentials,
  NO_EXPIRED_CREDENTIALS,
  removeExpiredCredentials,
} from "./expired-credentials.js";
import { createGraphClient, type GraphClient } from "./graph-client.js";
import { GraphError } from "./graph-error.js";
import { createGraphTransport, type GraphTransportOptions } from "./graph-transport.js";
import type { GraphApplication } from "./graph-types.js";
import {
  DEFAULT_PRIVILEGED_GRAPH_PERMISSIONS,
  DEFAULT_PRIVILEGED_ROLE_TEMPLATES,
} from "./privileged-defaults.js";

/** The source name Entra identities are stored under by default. */
export const ENTRA_SOURCE = "entra";

/** The transport's options (CA, timeouts, retries, clock, log) and what the connector adds. */
export interface EntraConnectorOptions extends GraphTransportOptions {
  config: EntraConfig;
  /** Source name (default "entra"). */
  name?: string;
  privilegedGraphPermissions?: readonly string[];
  privilegedRoleTemplates?: readonly string[];
}

export interface EntraConnector extends SourceConnector {
  /** The signed-in Graph client, for the doctor and the actions of later tasks. */
  readonly graph: GraphClient;
  /** Its token cache: the doctor signs in with it and reads the token's permissions (roles claim). */
  readonly tokens: EntraTokenProvider;
}

/**
 * The Entra ID connector. An identity's id is its service principal's object id; the account
 * values remediation reads and writes are `accountEnabled` (disable: false, undoable by restore;
 * https://learn.microsoft.com/en-us/graph/api/serviceprincipal-update) and `expiredCredentials`,
 * the application's credentials expired at the re-read ("none" once they are removed;
 * expired-credentials.ts).
 */
export function createEntraConnector(options: EntraConnectorOptions): EntraConnector {
  // `now` is also the token cache's clock and decides which credentials count as expired.
  const transport = createGraphTransport(options);
  const tokens = createEntraTokenProvider(options.config, transport, options.now);
  const graph = createGraphClient({ graphUrl: options.config.graphUrl, tokens, transport });
  const name = options.name ?? ENTRA_SOURCE;

  const clock = options.now ?? Date.now;

  /** The application's expired credentials in words; null when the app registration is gone. */
  async function readExpiredCredentials(appId: string): Promise<string | null> {
    try {
      const app = await graph.get<GraphApplication>(applicationByAppIdPath(appId), {
        $select: APPLICATION_CREDENTIAL_FIELDS,
      });
      return describeExpiredCredentials(app, clock());
    } catch (error) {
      if (error instanceof GraphError && error.code === "E_SOURCE_NOT_FOUND") return null;
      throw error;
    }
  }

  /**
   * The service principal's accountEnabled and its application's credentials expired now (what
   * Disable and Remove expired credential change; both are recorded before and after a write).
   */
  async function readAccount(id: string): Promise<AccountState | undefined> {
    let sp: { id: string; appId: string; displayName?: string | null; accountEnabled?: boolean | null };
    try {
      sp = await graph.get(`${ENTRA_PATHS.servicePrincipals}/${encodeURIComponent(id)}`, {
        $select: "id,appId,displayName,accountEnabled",
      });
    } catch (error) {
      if (error instanceof GraphError && error.code === "E_SOURCE_NOT_FOUND") return undefined;
      throw error;
    }
    return {
      id: sp.id,
      userName: sp.displayName ?? sp.id,
      values: {
        accountEnabled: sp.accountEnabled !== false,
        expiredCredentials: await readExpiredCredentials(sp.appId),
      },
    };
  }

  function intendedValues(intent: AccountIntent) {
    switch (intent.kind) {
      case "disable":
        return { accountEnabled: false };
      case "restore": {
        const enabled = intent.values.accountEnabled;
        return typeof enabled === "boolean" ? { accountEnabled: enabled } : undefined;
      }
      case "remove_expired_credentials":
        return { expiredCredentials: NO_EXPIRED_CREDENTIALS };
      case "restrict_to_api":
        // A service principal has no interactive login to take away.
        return undefined;
      case "remove_privileged_roles":
      case "block_basic_auth":
        // Graph permissions are reviewed, not removed by a button; there is no Basic auth.
        return undefined;
    }
  }

  return {
    name,
    kind: "entra",
    graph,
    tokens,
    get requestCount() {
      return transport.requestCount;
    },
    collectInventory: (collect) =>
      collectEntraInventory(
        graph,
        {
          tenantId: options.config.tenantId,
          source: name,
          privilegedGraphPermissions:
            options.privilegedGraphPermissions ?? DEFAULT_PRIVILEGED_GRAPH_PERMISSIONS,
          privilegedRoleTemplates: options.privilegedRoleTemplates ?? DEFAULT_PRIVILEGED_ROLE_TEMPLATES,
        },
        collect,
      ),
    readAccount,
    intendedValues,
    async apply(id, intent) {
      const values = intendedValues(intent);
      if (values === undefined) {
        throw new GraphError(
          "E_SOURCE_BAD_REQUEST",
          `Entra has no "${intent.kind}" for a service principal.`,
          {
            method: "PATCH",
            url: `${ENTRA_PATHS.servicePrincipals}/${id}`,
          },
        );
      }
      if (intent.kind === "remove_expired_credentials") {
        // The application is re-read here, right before the writes: only what is expired now goes.
        const sp = await graph.get<{ appId: string }>(
          `${ENTRA_PATHS.servicePrincipals}/${encodeURIComponent(id)}`,
          { $select: "appId" },
        );
        await removeExpiredCredentials(graph, sp.appId, clock());
        return readAccount(id);
      }
      await graph.write("PATCH", `${ENTRA_PATHS.servicePrincipals}/${encodeURIComponent(id)}`, values);
      return readAccount(id);
    },
  };
}
