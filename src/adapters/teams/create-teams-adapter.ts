import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { Logger } from "../../logger.js";

/** The Bot Framework registration, from TEAMS_APP_ID / TEAMS_APP_PASSWORD / TEAMS_APP_TENANT_ID. */
export interface TeamsCredentials {
  /** Empty or undefined: emulator mode (no authentication in or out), used by local tests. */
  appId?: string | undefined;
  appPassword?: string | undefined;
  /** Set for a single-tenant bot registration; unset means multi-tenant. */
  tenantId?: string | undefined;
}

/**
 * botbuilder's CloudAdapter for warden's registration. With no app id the SDK skips token checks
 * on incoming requests and sends no token (isAuthenticationDisabled in
 * https://github.com/microsoft/botbuilder-js/blob/main/libraries/botframework-connector/src/auth/passwordServiceClientCredentialFactory.ts);
 * that is only for local tests and the Bot Framework Emulator, never for a public endpoint.
 */
export function createTeamsAdapter(credentials: TeamsCredentials, logger?: Logger): CloudAdapter {
  const appId = credentials.appId ?? "";
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: credentials.appPassword ?? "",
    MicrosoftAppType: appId && credentials.tenantId ? "SingleTenant" : "MultiTenant",
    MicrosoftAppTenantId: credentials.tenantId ?? "",
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    // Without this the SDK only writes to the console; the turn's HTTP answer is a 500 either way.
    logger?.error(
      { err: error, activityType: context.activity.type, conversationId: context.activity.conversation?.id },
      "Teams turn failed",
    );
  };
  return adapter;
}
