import { findResultValue, forEachResult } from "./for-each-result.js";

/** Feeds a JSON body in pieces; calls onItem with each element of its `result` as it completes. */
export interface ResultScanner {
  write(text: string): void;
  /** True when the body had a `result` and it was passed on whole. */
  end(): boolean;
  /**
   * After `end()` returned false: the body as far as it was not passed on, for an error message
   * that says what it was instead (an object without `result`, `result: null`, …). "" once any
   * element was passed on, as such a body was cut off rather than of another shape.
   */
  unread(): string;
  /**
   * After `end()` returned true: whether `result` was an array (its elements were passed on) or
   * an object (passed on once), for a caller that accepts only one of them.
   */
  shape(): "array" | "object";
}

const PREFIX = /^\s*\{\s*"result"\s*:\s*/;
const SPACE = /\s/;

/**
 * The streaming form of forEachResult: ServiceNow's answers start with `{"result":`, so elements
 * are passed on while the body is still arriving, and only the element being read is held. A body
 * of any other shape is buffered whole and handed to forEachResult at the end.
 */
export function createResultScanner(onItem: (item: unknown) => void): ResultScanner {
  let buf = "";
  let mode: "prefix" | "open" | "array" | "object" | "after" | "done" | "buffer" | "failed" = "prefix";
  let pos = 0; // next character of buf to look at
  let start = -1; // start of the element being read, in buf
  let depth = 0;
  let inString = false;
  let escaped = false;
  let shape: "array" | "object" = "array";

  const emit = (end: number) => {
    onItem(JSON.parse(buf.slice(start, end)));
    start = -1;
  };

  function scan(): void {
    while (pos < buf.length) {
      const c = buf[pos] as string;
      if (mode === "open") {
        if (SPACE.test(c)) pos++;
        else if (c === "[") {
          mode = "array";
          pos++;
        } else if (c === "{") {
          mode = "object";
          shape = "object";
        } else {
          mode = "failed";
          return;
        }
      } else if (mode === "array" || mode === "object") {
        if (start < 0) {
          if (SPACE.test(c) || (c === "," && mode === "array")) {
            pos++;
            continue;
          }
          if (c === "]" && mode === "array") {
            mode = "after";
            pos++;
            continue;
          }
          start = pos;
          depth = 0;
        }
        const first = buf[start];
        if (first !== "{" && first !== "[" && first !== '"') {
          // A bare number, true, false or null: it ends at the next delimiter, which may not be here yet.
          const delimiter = buf.slice(start).search(/[,\]\s]/);
          if (delimiter < 0) return;
          pos = start + delimiter;
          emit(pos);
          continue;
        }
        pos++;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === "\\") escaped = true;
          else if (c === '"') {
            inString = false;
            if (depth === 0) emit(pos);
          }
        } else if (c === '"') inString = true;
        else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          depth--;
          if (depth === 0) {
            emit(pos);
            if (mode === "object") mode = "after";
          }
        }
      } else if (mode === "after") {
        if (SPACE.test(c)) pos++;
        else {
          // `}` or further members: every element of result has been passed on.
          mode = "done";
          return;
        }
      } else return;
    }
  }

  return {
    write(text) {
      if (mode === "buffer" || mode === "failed") {
        buf += text;
        return;
      }
      buf += text;
      if (mode === "prefix") {
        const match = PREFIX.exec(buf);
        if (!match) {
          // Not (yet) `{"result":`: keep waiting while it still could be, else read it whole.
          if (!'{"result":'.startsWith(buf.replace(/\s+/g, ""))) mode = "buffer";
          return;
        }
        mode = "open";
        pos = match[0].length;
      }
      scan();
      // Keep only what is still needed: the element being read, or nothing.
      const keep = start >= 0 ? start : pos;
      if (keep > 0 && (mode as string) !== "failed") {
        buf = buf.slice(keep);
        pos -= keep;
        if (start >= 0) start = 0;
      }
    },
    end() {
      if (mode === "done") return true;
      if (mode === "buffer") {
        shape = buf[findResultValue(buf)] === "{" ? "object" : "array";
        return forEachResult(buf, onItem);
      }
      return false;
    },
    unread() {
      if (mode === "buffer" || mode === "prefix") return buf;
      // `{"result":` was read and dropped; the value that is neither array nor object starts at pos.
      if (mode === "failed") return `{"result":${buf.slice(pos)}`;
      return "";
    },
    shape: () => shape,
  };
}
