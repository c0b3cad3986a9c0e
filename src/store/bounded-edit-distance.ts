/**
 * Edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of two
 * neighbouring characters, each counting 1: the "optimal string alignment" distance) if it is at
 * most `max`, otherwise `max + 1`. Only the diagonal band of width 2·max+1 is computed and the
 * work stops as soon as a row's minimum exceeds `max`, so it costs O(min(|a|, |b|) · max)
 * whatever the strings are; strings whose lengths differ by more than `max` cost nothing.
 * https://en.wikipedia.org/wiki/Damerau%E2%80%93Levenshtein_distance#Optimal_string_alignment_distance
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > b.length) [a, b] = [b, a];
  const over = max + 1;
  // Rows i-2, i-1 and i of the matrix; cells outside the band hold `over`.
  let before = new Uint32Array(b.length + 1).fill(over);
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    current.fill(over);
    if (from === 1) current[0] = i <= max ? i : over;
    let rowMin = current[from - 1] ?? over;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(
        (previous[j] ?? over) + 1,
        (current[j - 1] ?? over) + 1,
        (previous[j - 1] ?? over) + (ai === bj ? 0 : 1),
      );
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        value = Math.min(value, (before[j - 2] ?? over) + 1);
      }
      current[j] = Math.min(value, over);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return over;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length] ?? over, over);
}
