/**
 * The limits the credential rules judge Entra secrets and certificates by. The warning window is
 * CREDENTIAL_WARN_DAYS' default, as Microsoft's own "Renew expiring application credentials"
 * recommendation (expiring "within the next 30 days",
 * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/recommendation-renew-expiring-application-credential).
 */
export const DEFAULT_CREDENTIAL_WARN_DAYS = 30;

/**
 * A client secret valid for longer than this (six months) is long-lived, as warden's contract sets
 * it. A secret is a password anyone who copies it can use; Microsoft recommends certificates or
 * federated credentials instead
 * (https://learn.microsoft.com/en-us/entra/identity-platform/security-best-practices-for-app-registration#credential-configuration).
 */
export const LONG_LIVED_SECRET_DAYS = 180;
