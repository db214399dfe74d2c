/** Median and range of repeated measurements (rounds of one bench invocation). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median (mean of the middle two for an even count), min and max; undefined when there is nothing. */
export function spread(values: readonly (number | undefined)[]): Spread | undefined {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number, n: v.length };
}

/** "median (min–max, n)" with the given rounding. */
export function formatSpread(s: Spread | undefined, digits = 0): string {
  if (s === undefined) return '?';
  const f = (x: number): string => x.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)}, n=${s.n})`;
}
