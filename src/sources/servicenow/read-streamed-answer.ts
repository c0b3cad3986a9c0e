import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { yieldToLoop } from "../../yield-to-loop.js";
import { createResultScanner } from "./create-result-scanner.js";
import type { HttpAnswer } from "./http-answer.js";

/**
 * A streamed answer: `streamed` is true when every element of `result` was passed on; otherwise
 * `body` holds the text that was not (an error envelope, an HTML page, JSON of another shape).
 */
export interface StreamedAnswer extends HttpAnswer {
  streamed: boolean;
  /** When streamed: whether `result` was an array or an object (see ResultScanner.shape). */
  shape?: "array" | "object";
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
  // An element that is not valid JSON ends the reading: the answer is then reported as not JSON,
  // as an answer read whole would be (parseJsonAnswer).
  let invalid = false;
  const feed = (piece: string) => {
    try {
      scanner?.write(piece);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      invalid = true;
    }
  };
  try {
    arm();
    for await (const chunk of stream) {
      arm();
      const piece = decoder.write(chunk as Buffer);
      if (scanner) feed(piece);
      else text += piece;
      // Leaving the loop destroys the stream: the rest of a broken body is not worth reading.
      if (invalid) break;
      // A turn of the event loop after each chunk: a body already buffered (a 10,000-row page on a
      // fast link) is otherwise read chunk after chunk with only microtasks in between (libuv reads
      // a readable socket up to 32 times per event: https://github.com/libuv/libuv/blob/v1.x/src/unix/stream.c),
      // and nothing else, such as a /healthz answer, is served meanwhile.
      await yieldToLoop();
    }
    const rest = decoder.end();
    if (scanner && !invalid) feed(rest);
    else if (!scanner) text += rest;
  } catch (error) {
    throw new StreamReadError(error, passedOn);
  } finally {
    clearTimeout(timer);
  }
  if (!scanner) return { ...head, body: text, streamed: false };
  let streamed = false;
  if (!invalid) {
    try {
      streamed = scanner.end();
    } catch (error) {
      // A body of another shape, read whole at the end (see createResultScanner), that is not JSON.
      if (!(error instanceof SyntaxError)) throw error;
      invalid = true;
    }
  }
  if (invalid) return { ...head, body: "", streamed: false };
  // A JSON body that was not streamed is kept, so the caller can say what it was instead.
  if (!streamed) return { ...head, body: scanner.unread(), streamed };
  return { ...head, body: "", streamed, shape: scanner.shape() };
}
