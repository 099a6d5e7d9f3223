/** Pure arithmetic for coverage, page counts and ETA (D5, D6). */

/** ceil(total / limit); null until the API has reported both. */
export function totalPagesOf(total: number | null, limit: number | null): number | null {
  if (total === null || limit === null || limit <= 0) return null;
  return Math.max(1, Math.ceil(total / limit));
}

/** Minutes to finish the pass at the pace of this run so far; null before there is a pace. */
export function etaMinutesOf(args: {
  elapsedMs: number;
  pagesDone: number;
  page: number;
  totalPages: number | null;
}): number | null {
  if (args.totalPages === null || args.pagesDone === 0) return null;
  const remaining = Math.max(0, args.totalPages - args.page);
  return Math.round(((args.elapsedMs / args.pagesDone) * remaining) / 600) / 100;
}
