import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_REQUIRED_COLUMNS, SYSTEM_TEXT_COLUMNS } from './system-columns.ts';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

function freshDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function columns(db: Database.Database, table: string): Map<string, ColumnInfo> {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as ColumnInfo[];
  return new Map(rows.map((row) => [row.name, row]));
}

function uniqueKeys(db: Database.Database, table: string): string[] {
  const indexes = db.prepare(`PRAGMA index_list(${table})`).all() as {
    name: string;
    unique: number;
  }[];
  return indexes
    .filter((index) => index.unique === 1)
    .map((index) =>
      (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[])
        .map((column) => column.name)
        .join(','),
    );
}

function indexNames(db: Database.Database, table: string): string[] {
  return (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`)
      .pluck()
      .all(table) as string[]
  ).filter((name) => !name.startsWith('sqlite_autoindex'));
}

describe('schema (downstream tables and checkpoint/gap tables, D7)', () => {
  it('creates snapshots exactly as the downstream schema, with its three indexes', () => {
    const db = freshDb();
    const cols = columns(db, 'snapshots');
    expect([...cols.keys()]).toEqual([
      'snapshot_id',
      'timestamp',
      'api_version',
      'extraction_duration_ms',
      'status',
      'error_message',
      'completed_at',
    ]);
    expect(cols.get('completed_at')).toMatchObject({ type: 'DATETIME', dflt_value: null });
    expect(cols.get('snapshot_id')).toMatchObject({ type: 'INTEGER', pk: 1 });
    expect(cols.get('timestamp')).toMatchObject({ type: 'DATETIME', dflt_value: 'CURRENT_TIMESTAMP' });
    expect(cols.get('api_version')).toMatchObject({ type: 'TEXT', dflt_value: "'1.4'" });
    expect(cols.get('status')).toMatchObject({ type: 'TEXT', dflt_value: "'success'" });
    expect(indexNames(db, 'snapshots').sort()).toEqual([
      'idx_snapshot_status',
      'idx_snapshot_timestamp',
      'idx_snapshot_timestamp_status',
    ]);
    expect(() => db.exec(`INSERT INTO snapshots (status) VALUES ('in_progress')`)).toThrow(/CHECK/);
    expect(() => db.exec('INSERT INTO snapshots (extraction_duration_ms) VALUES (-1)')).toThrow(/CHECK/);
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'snapshots'`).pluck().get();
    expect(sql).toMatch(/AUTOINCREMENT/);
  });

  it('creates systems with every downstream column and type, the unique key and 16 indexes', () => {
    const db = freshDb();
    const cols = columns(db, 'systems');
    expect(cols.get('system_id')).toMatchObject({ type: 'INTEGER', pk: 1 });
    expect(cols.get('snapshot_id')).toMatchObject({ type: 'INTEGER', notnull: 1 });
    expect(cols.get('resource_id')).toMatchObject({ type: 'TEXT', notnull: 1 });
    for (const name of SYSTEM_REQUIRED_COLUMNS) {
      expect(cols.get(name)).toMatchObject({ type: 'TEXT', notnull: 1 });
    }
    for (const name of SYSTEM_TEXT_COLUMNS) expect(cols.get(name)?.type).toBe('TEXT');
    for (const name of SYSTEM_INTEGER_COLUMNS) expect(cols.get(name)?.type).toBe('INTEGER');
    for (const name of ['created_at', 'updated_at']) {
      expect(cols.get(name)).toMatchObject({ type: 'DATETIME', dflt_value: 'CURRENT_TIMESTAMP' });
    }
    expect(cols.get('raw_json')?.type).toBe('TEXT');
    expect(cols.get('source_page')?.type).toBe('INTEGER');
    for (const name of ['raw_part', 'raw_offset', 'raw_length']) expect(cols.get(name)?.type).toBe('INTEGER');
    // 2 keys + 2 required + lists + 2 times + 2 additive columns + 3 raw refs (D70): nothing else.
    const expected = 3 + 2 + SYSTEM_TEXT_COLUMNS.length + SYSTEM_INTEGER_COLUMNS.length + 7;
    expect(cols.size).toBe(expected);
    expect(uniqueKeys(db, 'systems')).toContain('snapshot_id,resource_id');
    expect(indexNames(db, 'systems')).toHaveLength(16);
    const fks = db.prepare('PRAGMA foreign_key_list(systems)').all() as Record<string, string>[];
    expect(fks).toEqual([
      expect.objectContaining({ table: 'snapshots', from: 'snapshot_id', on_delete: 'CASCADE' }),
    ]);
  });

  it('enforces the health CHECK but accepts NULL health', () => {
    const db = freshDb();
    db.exec('INSERT INTO snapshots DEFAULT VALUES');
    const insert = db.prepare(
      `INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name,
       resource_health_status) VALUES (1, ?, 'pc', 'branch', ?)`,
    );
    expect(() => insert.run('a', 4)).toThrow(/CHECK/);
    insert.run('b', null);
    insert.run('c', 3);
    expect(db.prepare('SELECT COUNT(*) FROM systems').pluck().get()).toBe(2);
  });

  it('creates the D7 checkpoint/gap tables with their D7 columns first, then ours', () => {
    const db = freshDb();
    expect([...columns(db, 'extraction_checkpoints').keys()]).toEqual([
      'checkpoint_id',
      'snapshot_id',
      'last_page',
      'systems_extracted',
      'coverage_pct',
      'created_at',
      'updated_at',
      'total_systems',
      'total_pages',
      'page_limit',
      'pass_complete',
      'previous_coverage_pct',
      'written_by',
      'probed_page_size',
      'page_size_fallback',
    ]);
    expect(columns(db, 'extraction_checkpoints').get('coverage_pct')).toMatchObject({
      type: 'REAL',
      notnull: 1,
    });
    expect([...columns(db, 'extraction_gaps').keys()]).toEqual([
      'gap_id',
      'snapshot_id',
      'page_num',
      'error_type',
      'error_message',
      'response_sample',
      'attempts',
      'created_at',
      'retry_sweeps',
      'resolved',
      'resolved_at',
      'updated_at',
    ]);
    expect(uniqueKeys(db, 'extraction_checkpoints')).toContain('snapshot_id');
    expect(uniqueKeys(db, 'extraction_gaps')).toContain('snapshot_id,page_num');
    expect(indexNames(db, 'extraction_checkpoints')).toEqual(['idx_checkpoints_snapshot']);
    expect(indexNames(db, 'extraction_gaps')).toEqual(['idx_gaps_snapshot']);
    expect([...columns(db, 'token_requests').keys()]).toEqual(['requested_at_ms']);
  });

  it('records schema versions 1..14 and migrates idempotently', () => {
    const db = freshDb();
    migrate(db);
    const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all();
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('creates system_changes with the D11 columns, its CHECK and indexes (D112)', () => {
    const db = freshDb();
    expect([...columns(db, 'system_changes').keys()]).toEqual([
      'change_id',
      'snapshot_id',
      'previous_snapshot_id',
      'resource_id',
      'change_type',
      'changed_fields',
      'resource_name',
      'branch_office_name',
      'detected_at',
    ]);
    expect(columns(db, 'system_changes').get('resource_id')).toMatchObject({ type: 'TEXT', notnull: 1 });
    expect(indexNames(db, 'system_changes').sort()).toEqual([
      'idx_system_changes_resource',
      'idx_system_changes_snapshot',
    ]);
    const insert = db.prepare(
      `INSERT INTO system_changes (snapshot_id, resource_id, change_type, detected_at) VALUES (1, '9', ?, 'now')`,
    );
    expect(() => insert.run('moved')).toThrow(/CHECK/);
    for (const type of ['added', 'removed', 'changed', 'reappeared']) insert.run(type);
  });

  it('latest_system_changes shows the changes of the newest success snapshot only', () => {
    const db = freshDb();
    db.exec(`INSERT INTO snapshots (status) VALUES ('success'), ('success'), ('partial')`);
    const insert = db.prepare(
      `INSERT INTO system_changes (snapshot_id, resource_id, change_type, detected_at) VALUES (?, ?, 'added', 'now')`,
    );
    insert.run(1, 'old');
    insert.run(2, 'current');
    insert.run(3, 'in-progress');
    expect(db.prepare('SELECT resource_id FROM latest_system_changes').pluck().all()).toEqual(['current']);
  });

  it('latest_system_inventory shows the systems of the newest success snapshot only', () => {
    const db = freshDb();
    db.exec(`INSERT INTO snapshots (status) VALUES ('success'), ('success'), ('partial')`);
    const insert = db.prepare(
      `INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name, raw_json)
       VALUES (?, ?, 'pc', 'branch', '{}')`,
    );
    insert.run(1, 'old');
    insert.run(2, 'current');
    insert.run(3, 'in-progress');
    const rows = db.prepare('SELECT resource_id, raw_json FROM latest_system_inventory').all();
    expect(rows).toEqual([{ resource_id: 'current', raw_json: '{}' }]);
  });
});
