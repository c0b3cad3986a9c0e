/**
 * Budget for the values of one `fieldIN a,b,c` condition. Many servers and proxies refuse request
 * lines over 8 KB, and the rest of the URL (encoded fields, the other conditions) needs room.
 */
export const IN_LIST_CHARS = 6000;

/** Splits values into comma lists of at most `budget` characters each (URL-encoding aside). */
export function chunkByLength(values: readonly string[], budget: number = IN_LIST_CHARS): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    if (current.length > 0 && length + 1 + value.length > budget) {
      result.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + value.length;
    current.push(value);
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** IN lists are comma-separated and `^` starts a new condition: such values cannot be listed safely. */
export const isListable = (value: string): boolean => !/[,^]/.test(value);
