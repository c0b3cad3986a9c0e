import type { HttpAnswer, RequestContext } from "./http-answer.js";
import { notJsonError } from "./to-source-error.js";

/**
 * The JSON body of a 2xx answer. The Content-Type is checked before parsing because a
 * hibernating developer instance, or an SSO/MFA page in front of the API, answers **200 with
 * HTML**; without the check that would surface as a confusing SyntaxError or an empty result.
 */
export function parseJsonAnswer(ctx: RequestContext, answer: HttpAnswer): unknown {
  const type = answer.headers["content-type"] ?? "";
  if (!/\bjson\b/i.test(type)) return reject(ctx, answer, "Content-Type is not JSON");
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return reject(ctx, answer, "body is not valid JSON");
  }
}

function reject(ctx: RequestContext, answer: HttpAnswer, reason: string): never {
  throw notJsonError(ctx, answer, reason);
}
