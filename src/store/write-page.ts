/**
 * Stores one page of systems with its raw parts (D70), inside the caller's transaction. A page stored
 * before (a drift re-read, a gap retry, the same page twice in a batch) gets new parts; rows still
 * pointing at the old parts that this read did not return keep their record: it is carried into the
 * new parts, byte for byte, and their refs are moved, so no row ever points at bytes that are gone.
 */
import { packRawRecords, unpackRawPart } from './raw-parts.ts';
import type { Statements } from './statements.ts';
import type { SystemRecord } from './store.ts';
import { systemParams } from './system-upsert.ts';
import type { PendingEncoder } from './pending-encoding.ts';

interface StoredRef {
  resource_id: string;
  raw_part: number;
  raw_offset: number;
  raw_length: number;
}

interface StoredPart {
  part: number;
  raw_size: number;
  data: Buffer;
}

export function writePage(
  sql: Statements,
  snapshotId: number,
  page: number,
  systems: readonly SystemRecord[],
  nowSql: string,
  encoder: PendingEncoder | null,
): void {
  const carried = carryOver(sql, snapshotId, page, systems);
  const records = systems.map((system) => Buffer.from(system.raw_json, 'utf8'));
  const { parts, refs } = packRawRecords([...records, ...carried.map((entry) => entry.bytes)]);
  for (const part of parts) sql.insertRawPart.run(snapshotId, page, part.part, part.rawSize, part.data);
  for (const [index, system] of systems.entries()) {
    const ref = refs[index];
    if (ref === undefined) continue;
    const params: (string | number | bigint | null)[] = systemParams(snapshotId, page, system, ref, nowSql);
    // D139: the pending row stored smaller, its mask as the last parameter.
    if (encoder !== null) params.push(encoder.encode(params));
    sql.upsertSystem.run(params);
  }
  for (const [index, entry] of carried.entries()) {
    const ref = refs[systems.length + index];
    if (ref !== undefined) sql.setRawRef.run(ref.part, ref.offset, ref.length, snapshotId, entry.resourceId);
  }
}

/** Rows of `page` this read did not return, with their record bytes; the old parts are deleted. */
function carryOver(
  sql: Statements,
  snapshotId: number,
  page: number,
  systems: readonly SystemRecord[],
): { resourceId: string; bytes: Buffer }[] {
  const stored = sql.rawPartsOfPage.all(snapshotId, page) as StoredPart[];
  if (stored.length === 0) return [];
  const parts = new Map(stored.map((part) => [part.part, unpackRawPart(part.data, part.raw_size)]));
  const returned = new Set(systems.map((system) => system.resource_id));
  const carried: { resourceId: string; bytes: Buffer }[] = [];
  for (const row of sql.rawRefsOnPage.all(snapshotId, page) as StoredRef[]) {
    const part = parts.get(row.raw_part);
    if (returned.has(row.resource_id) || part === undefined) continue;
    const bytes = part.subarray(row.raw_offset, row.raw_offset + row.raw_length);
    carried.push({ resourceId: row.resource_id, bytes });
  }
  sql.deleteRawParts.run(snapshotId, page);
  return carried;
}
