import type { Signal } from "./model.js";

/** The signals that show an account using APIs; each one alone is evidence of API use. */
export const API_USE_SIGNALS: readonly Signal[] = ["api_calls", "auth_methods", "oauth_tokens"];
