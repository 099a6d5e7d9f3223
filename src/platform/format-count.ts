/**
 * A whole count with en-US digit grouping ("3,362"), without Intl (D130): the first Intl.NumberFormat
 * or toLocaleString of a process pages in about 5 MiB of the node binary's ICU data, which every
 * run paid for a comma in a Slack line (bench/results.md). Non-integers and non-finite values keep
 * String()'s form after the grouped integer part.
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const [whole = '', fraction] = String(Math.abs(value)).split('.');
  // String() writes 1e21 and above in exponent form: leave those as they are.
  if (!/^\d+$/.test(whole)) return String(value);
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}
