/**
 * Walks the `result` of a ServiceNow JSON body one element at a time, parsing each element on its
 * own, so a 25 MB Aggregate API answer never exists as one parsed tree (a full JSON.parse of it
 * costs about four times its size in objects). `result` may be an array (each element is passed
 * on) or an object (passed on once). Returns false when the body does not have that shape at the
 * top level; the caller then falls back to an ordinary parse for a precise error.
 */
export function forEachResult(body: string, onItem: (item: unknown) => void): boolean {
  const start = findResultValue(body);
  if (start < 0) return false;
  const first = body[start];
  if (first === "{") {
    const end = skipValue(body, start);
    if (end < 0) return false;
    onItem(JSON.parse(body.slice(start, end)));
    return true;
  }
  if (first !== "[") return false;
  let i = skipSpace(body, start + 1);
  if (body[i] === "]") return true;
  for (;;) {
    const end = skipValue(body, i);
    if (end < 0) return false;
    onItem(JSON.parse(body.slice(i, end)));
    i = skipSpace(body, end);
    if (body[i] === "]") return true;
    if (body[i] !== ",") return false;
    i = skipSpace(body, i + 1);
  }
}

const isSpace = (c: string | undefined) => c === " " || c === "\n" || c === "\r" || c === "\t";

function skipSpace(text: string, from: number): number {
  let i = from;
  while (isSpace(text[i])) i++;
  return i;
}

/** Index of the first character of the top-level `"result"` member's value, or -1. */
export function findResultValue(text: string): number {
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return -1;
  i = skipSpace(text, i + 1);
  while (i < text.length) {
    if (text[i] !== '"') return -1;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return -1;
    const key = text.slice(i + 1, keyEnd - 1);
    i = skipSpace(text, keyEnd);
    if (text[i] !== ":") return -1;
    i = skipSpace(text, i + 1);
    if (key === "result") return i;
    const valueEnd = skipValue(text, i);
    if (valueEnd < 0) return -1;
    i = skipSpace(text, valueEnd);
    if (text[i] !== ",") return -1;
    i = skipSpace(text, i + 1);
  }
  return -1;
}

/** Index just past the string starting at `from` (which is a quote), or -1. */
function skipString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92)
      i++; // backslash: skip the escaped character
    else if (c === 34) return i + 1; // closing quote
  }
  return -1;
}

/** Index just past the JSON value starting at `from`, or -1 when it does not end. */
function skipValue(text: string, from: number): number {
  const c = text[from];
  if (c === '"') return skipString(text, from);
  if (c !== "{" && c !== "[") {
    let i = from;
    while (i < text.length && !/[,\]}\s]/.test(text[i] as string)) i++;
    return i > from ? i : -1;
  }
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      i = skipString(text, i) - 1;
      if (i < 0) return -1;
    } else if (code === 123 || code === 91) depth++;
    else if (code === 125 || code === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
