import { SourceError } from "../../errors.js";

/** The error's own sentence, for a check's detail. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The SourceError code a probe branches on; undefined for anything else. */
export const sourceCodeOf = (error: unknown): string | undefined =>
  error instanceof SourceError ? error.code : undefined;
