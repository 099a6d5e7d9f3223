/**
 * The raw records of a page, out of the hot `systems` row (D70): records are packed into parts of at
 * most RAW_PART_RECORDS, each part the zlib (RFC 1950) deflate of the records' exact UTF-8 bytes joined
 * by "\n", so the sqlite3 shell's built-in sqlar_uncompress(data, raw_size) decodes it. A row keeps
 * only (raw_part, raw_offset, raw_length), byte positions into its page's part. As in the sqlar
 * format, a part that deflate would not shrink is stored as is, with raw_size = length(data).
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { rawJsonFrom } from './schema-extractor.ts';
import { hasSchemaObject } from './schema-tools.ts';

/** Records per part: one part per default page (25), and a 1000-record page stays cheap to read back. */
const RAW_PART_RECORDS = 25;
/** zlib level 6 (its default): 182 B per simulator record against 224 at level 1, for 11 ms of CPU per 1000 records. */
const DEFLATE_LEVEL = 6;
const SEPARATOR = Buffer.from('\n');

export interface RawPart {
  part: number;
  /** Bytes of the uncompressed part. */
  rawSize: number;
  data: Buffer;
}

/** Where one record's bytes are: part number, byte offset (0-based) and byte length inside it. */
export interface RawRef {
  part: number;
  offset: number;
  length: number;
}

export function packRawRecords(records: readonly Buffer[]): { parts: RawPart[]; refs: RawRef[] } {
  const parts: RawPart[] = [];
  const refs: RawRef[] = [];
  for (let start = 0; start < records.length; start += RAW_PART_RECORDS) {
    const part = parts.length;
    const chunk: Buffer[] = [];
    let offset = 0;
    for (const record of records.slice(start, start + RAW_PART_RECORDS)) {
      if (chunk.length > 0) {
        chunk.push(SEPARATOR);
        offset += SEPARATOR.length;
      }
      chunk.push(record);
      refs.push({ part, offset, length: record.length });
      offset += record.length;
    }
    const raw = Buffer.concat(chunk, offset);
    const deflated = deflateSync(raw, { level: DEFLATE_LEVEL });
    parts.push({ part, rawSize: raw.length, data: deflated.length < raw.length ? deflated : raw });
  }
  return { parts, refs };
}

/** sqlar_uncompress semantics: data stored as is when raw_size equals its length. */
export function unpackRawPart(data: Buffer, rawSize: number): Buffer {
  return rawSize <= 0 || rawSize === data.length ? data : inflateSync(data);
}

/** The sqlite3 shell's sqlar_uncompress, for this tool's own connections (the view needs it). */
export function registerRawFunctions(db: Database.Database): void {
  db.function('sqlar_uncompress', { deterministic: true }, (data: unknown, rawSize: unknown) => {
    if (!Buffer.isBuffer(data)) return data ?? null;
    return unpackRawPart(data, typeof rawSize === 'bigint' ? Number(rawSize) : Number(rawSize));
  });
}

/** The record of `resourceId` in the pass in progress (D134), read as the view reads `systems`. */
const PENDING_RAW = `SELECT
${rawJsonFrom('pending_systems')}
WHERE s.resource_id = ? ORDER BY s.snapshot_id DESC LIMIT 1`;

/** The newest stored record of `resourceId`, exactly as received (Store.rawRecord). */
export function readRawRecord(db: Database.Database, resourceId: string): string | null {
  // The pass in progress is newer than anything published (a file before migration 13 has no table).
  if (hasSchemaObject(db, 'table', 'pending_systems')) {
    const pending = db.prepare(PENDING_RAW).pluck().get(resourceId) as string | null | undefined;
    if (pending !== undefined && pending !== null) return pending;
  }
  // Through the documented view (D70); a file not yet migrated (read-only open) has only the column.
  const source = hasSchemaObject(db, 'view', 'system_raw_json') ? 'system_raw_json' : 'systems';
  const row = db
    .prepare(`SELECT raw_json FROM ${source} WHERE resource_id = ? ORDER BY snapshot_id DESC LIMIT 1`)
    .pluck()
    .get(resourceId) as string | null | undefined;
  return row ?? null;
}
