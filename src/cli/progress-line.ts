import type { CollectProgress } from "../sources/source-connector.js";

/**
 * A single self-overwriting progress line for long scans, only when the stream is a terminal
 * (in CI logs or pipes it would only add noise).
 */
export function createProgressLine(stream: NodeJS.WriteStream | NodeJS.WritableStream, isTTY: boolean) {
  let last = 0;
  let shown = false;
  return {
    update(progress: CollectProgress): void {
      if (!isTTY) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const done = progress.done !== undefined ? ` (${progress.done})` : "";
      stream.write(`\r\x1b[2Kscanning: ${progress.phase}${done}`);
    },
    clear(): void {
      if (isTTY && shown) stream.write("\r\x1b[2K");
    },
  };
}
