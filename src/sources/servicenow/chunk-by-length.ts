/**
 * Budget for the values of one `fieldIN a,b,c` condition. ServiceNow's Tomcat refuses over-long
 * request lines with 400 "Request header is too large" (KB0826932; Tomcat's default is 8 KB), and
 * the rest of the URL (path, sysparm_fields, the other conditions, `^` encoded as %5E) needs
 * about 500 of those bytes. Commas stay literal in axios's query encoding.
 */
export const IN_LIST_CHARS = 7000;

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
