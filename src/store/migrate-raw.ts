/**
 * Migration 6 (D70): raw records out of the `systems` row into per-page raw parts. Existing inline
 * raw_json is moved page by page, byte for byte, and the column is set to NULL (it stays, for
 * readers that select it; the view system_raw_json gives every record back). Rows without a
 * source_page (not written by this tool) keep their inline raw_json, which the view also returns.
 * The freed pages are reused by the next passes; VACUUM returns them to the file system.
 */
import type Database from 'better-sqlite3';
import { packRawRecords } from './raw-parts.ts';
import { CREATE_RAW_JSON_VIEW, CREATE_RAW_PARTS, RAW_REF_COLUMNS } from './schema-extractor.ts';
import { addMissingColumns } from './schema-tools.ts';

export const RAW_PARTS_VERSION = 7;

export function migrateRawParts(db: Database.Database): void {
  addMissingColumns(db, 'systems', RAW_REF_COLUMNS);
  db.exec(CREATE_RAW_PARTS);
  db.exec(CREATE_RAW_JSON_VIEW);
  // Version 6 recorded = the rows were moved: no table scan at every later open.
  const done = db.prepare('SELECT 1 FROM schema_version WHERE version = ?').get(RAW_PARTS_VERSION);
  if (done === undefined) moveInlineRecords(db);
}

function moveInlineRecords(db: Database.Database): void {
  const pages = db
    .prepare(
      `SELECT DISTINCT snapshot_id, source_page FROM systems
       WHERE raw_json IS NOT NULL AND source_page IS NOT NULL`,
    )
    .all() as { snapshot_id: number; source_page: number }[];
  const rowsOf = db.prepare(
    `SELECT system_id, raw_json FROM systems
     WHERE snapshot_id = ? AND source_page = ? AND raw_json IS NOT NULL ORDER BY system_id`,
  );
  // Parts a newer page write left for this page would collide: the inline rows come after them.
  const nextPart = db
    .prepare('SELECT COALESCE(MAX(part) + 1, 0) FROM system_raw_parts WHERE snapshot_id = ? AND page_num = ?')
    .pluck();
  const insertPart = db.prepare(
    'INSERT INTO system_raw_parts (snapshot_id, page_num, part, raw_size, data) VALUES (?, ?, ?, ?, ?)',
  );
  const moveRow = db.prepare(
    'UPDATE systems SET raw_json = NULL, raw_part = ?, raw_offset = ?, raw_length = ? WHERE system_id = ?',
  );
  for (const { snapshot_id: snapshotId, source_page: page } of pages) {
    const rows = rowsOf.all(snapshotId, page) as { system_id: number; raw_json: string }[];
    const { parts, refs } = packRawRecords(rows.map((row) => Buffer.from(row.raw_json, 'utf8')));
    const first = nextPart.get(snapshotId, page) as number;
    for (const part of parts) insertPart.run(snapshotId, page, first + part.part, part.rawSize, part.data);
    for (const [index, row] of rows.entries()) {
      const ref = refs[index];
      if (ref !== undefined) moveRow.run(first + ref.part, ref.offset, ref.length, row.system_id);
    }
  }
}
