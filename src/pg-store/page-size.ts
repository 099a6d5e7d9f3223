/**
 * The two checkpoint columns PMP_PAGE_SIZE=auto keeps (migration 7, D126): what the pass
 * settled on and why it fell back. Typed as optional so this store reads and writes them whether or
 * not the port's Checkpoint declares them yet; absent from a batch they are written NULL.
 */
import type { SqlRow } from './sql-client.ts';
import { toIntOrNull, toTextOrNull } from './values.ts';

export interface PageSizeFields {
  probed_page_size?: number | null;
  page_size_fallback?: string | null;
}

/** The parameters of writeCheckpoint's two page-size columns, in that order (any checkpoint fields). */
export function pageSizeParams(fields: object): [number | null, string | null] {
  const page: PageSizeFields = fields;
  return [page.probed_page_size ?? null, page.page_size_fallback ?? null];
}

export function pageSizeOf(row: SqlRow): Required<PageSizeFields> {
  return {
    probed_page_size: toIntOrNull(row['probed_page_size']),
    page_size_fallback: toTextOrNull(row['page_size_fallback']),
  };
}
