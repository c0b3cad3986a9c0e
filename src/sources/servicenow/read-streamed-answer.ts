import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createResultScanner } from "./create-result-scanner.js";
import type { HttpAnswer } from "./http-answer.js";

/**
 * A streamed answer: `streamed` is true when every element of `result` was passed on; otherwise
 * `body` holds the text that was not (an error envelope, an HTML page, JSON of another shape).
 */
export interface StreamedAnswer extends HttpAnswer {
  streamed: boolean;
}

/**
 * A failure while the body was arriving. `itemsPassedOn` tells the caller whether a retry would
 * pass elements on twice (it then must not retry).
 */
export class StreamReadError extends Error {
  readonly code: string | undefined;
  readonly itemsPassedOn: boolean;

  constructor(cause: unknown, itemsPassedOn: boolean) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === "string" ? code : undefined;
    this.itemsPassedOn = itemsPassedOn;
  }
}

/**
 * Reads an answer whose body is a stream. A 2xx JSON body goes element by element to `onItem`
 * (never held whole); any other body (an error envelope, an HTML page) is read as text for the
 * error mapping. `idleMs` bounds the wait for each chunk: axios's timeout only covers the headers.
 */
export async function readStreamedAnswer(
  head: Omit<HttpAnswer, "body">,
  stream: Readable,
  onItem: (item: unknown) => void,
  idleMs: number,
): Promise<StreamedAnswer> {
  const json =
    head.status >= 200 && head.status < 300 && /\bjson\b/i.test(head.headers["content-type"] ?? "");
  let passedOn = false;
  const scanner = json
    ? createResultScanner((item) => {
        passedOn = true;
        onItem(item);
      })
    : undefined;
  const decoder = new StringDecoder("utf8");
  let text = "";
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => stream.destroy(Object.assign(new Error(`no data for ${idleMs} ms`), { code: "ETIMEDOUT" })),
      idleMs,
    );
  };
  try {
    arm();
    for await (const chunk of stream) {
      arm();
      const piece = decoder.write(chunk as Buffer);
      if (scanner) scanner.write(piece);
      else text += piece;
    }
    const rest = decoder.end();
    if (scanner) scanner.write(rest);
    else text += rest;
  } catch (error) {
    throw new StreamReadError(error, passedOn);
  } finally {
    clearTimeout(timer);
  }
  if (!scanner) return { ...head, body: text, streamed: false };
  const streamed = scanner.end();
  // A JSON body that was not streamed is kept, so the caller can say what it was instead.
  return { ...head, body: streamed ? "" : scanner.unread(), streamed };
}
