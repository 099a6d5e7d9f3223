/**
 * Forward migrations. The legacy tooling also writes `schema_version` (it inserts row 1, "or ignore"),
 * so a version row there does not prove that OUR step ran. Every step is therefore idempotent
 * (CREATE ... IF NOT EXISTS, add-column-if-missing) and all steps run at every open, inside one
 * IMMEDIATE transaction; each step then records its version with INSERT OR IGNORE. A future step that
 * cannot be idempotent must check its own preconditions the same way.
 */
import type Database from 'better-sqlite3';
import {
  CREATE_LATEST_INVENTORY_VIEW,
  CREATE_SCHEMA_VERSION,
  CREATE_SNAPSHOTS,
  CREATE_SYSTEMS,
  CREATE_SYSTEMS_INDEXES,
} from './schema-downstream.ts';
import {
  CREATE_CHECKPOINTS,
  CREATE_GAPS,
  CREATE_LAST_RUN,
  CREATE_REMOVAL_CANDIDATES,
  CREATE_TOKEN_REQUESTS,
  EXTRA_COLUMNS,
  PAGE_SIZE_COLUMNS,
} from './schema-extractor.ts';
import { migrateRawParts, RAW_PARTS_VERSION } from './migrate-raw.ts';
import { migratePublishing, PUBLISH_VERSION } from './schema-changes.ts';
import { migratePending, migratePendingEncoding } from './schema-pending.ts';
import { LOOKUPS_VERSION, migrateLookups } from './schema-lookups.ts';
import { DASHBOARD_VIEWS, DASHBOARD_VIEWS_VERSION } from './schema-views.ts';
import { addMissingColumns, ensureUniqueKey } from './schema-tools.ts';
import { SYSTEM_COLUMN_DECLARATIONS } from './system-columns.ts';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'snapshots and systems (downstream PMP schema)',
    up(db) {
      db.exec(CREATE_SNAPSHOTS);
      db.exec(CREATE_SYSTEMS);
      addMissingColumns(db, 'systems', SYSTEM_COLUMN_DECLARATIONS);
      ensureUniqueKey(db, 'systems', ['snapshot_id', 'resource_id']);
      db.exec(CREATE_SYSTEMS_INDEXES);
    },
  },
  {
    version: 2,
    description: 'systems.raw_json and systems.source_page',
    up(db) {
      addMissingColumns(db, 'systems', [
        ['raw_json', 'TEXT'],
        ['source_page', 'INTEGER'],
      ]);
    },
  },
  {
    version: 3,
    description: 'extraction_checkpoints and extraction_gaps (D7) with resume and sweep columns',
    up(db) {
      db.exec(CREATE_CHECKPOINTS);
      db.exec(CREATE_GAPS);
      addMissingColumns(db, 'extraction_checkpoints', EXTRA_COLUMNS['extraction_checkpoints'] ?? []);
      addMissingColumns(db, 'extraction_gaps', EXTRA_COLUMNS['extraction_gaps'] ?? []);
      ensureUniqueKey(db, 'extraction_checkpoints', ['snapshot_id']);
      ensureUniqueKey(db, 'extraction_gaps', ['snapshot_id', 'page_num']);
    },
  },
  {
    version: 4,
    description: 'token_requests (persisted Zoho token budget)',
    up(db) {
      db.exec(CREATE_TOKEN_REQUESTS);
    },
  },
  {
    version: 5,
    description: 'view latest_system_inventory',
    up(db) {
      db.exec(CREATE_LATEST_INVENTORY_VIEW);
    },
  },
  {
    version: 6,
    description: 'extraction_last_run (how the newest run ended, for monitors)',
    up(db) {
      db.exec(CREATE_LAST_RUN);
    },
  },
  {
    version: RAW_PARTS_VERSION,
    description: 'raw records in system_raw_parts, view system_raw_json (D70)',
    up: migrateRawParts,
  },
  {
    version: 8,
    description: 'extraction_checkpoints.probed_page_size and page_size_fallback (PMP_PAGE_SIZE=auto, D74)',
    up(db) {
      addMissingColumns(db, 'extraction_checkpoints', PAGE_SIZE_COLUMNS);
    },
  },
  {
    version: LOOKUPS_VERSION,
    description: 'lookup tables for the status codes of systems (D80)',
    up: migrateLookups,
  },
  {
    version: DASHBOARD_VIEWS_VERSION,
    description: 'dashboard views over latest_system_inventory (D81)',
    up(db) {
      for (const view of DASHBOARD_VIEWS) db.exec(view);
    },
  },
  {
    version: 11,
    description: 'removal_candidates (confirmed removals, D85)',
    up(db) {
      db.exec(CREATE_REMOVAL_CANDIDATES);
    },
  },
  {
    version: PUBLISH_VERSION,
    description: 'snapshots.completed_at, system_changes, view latest_system_changes (D111, D112)',
    up: migratePublishing,
  },
  {
    version: 13,
    description: 'pending_systems: the rows of the pass in progress, moved to systems at publish (D134)',
    up: migratePending,
  },
  {
    version: 14,
    description: 'pending_systems.encoded and pending_strings: pending rows stored smaller (D139)',
    up: migratePendingEncoding,
  },
];

/** Brings the schema up to date; throws the SQLite error (the caller wraps it). */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const run = db.transaction(() => {
    db.exec(CREATE_SCHEMA_VERSION);
    const record = db.prepare('INSERT OR IGNORE INTO schema_version (version, description) VALUES (?, ?)');
    for (const migration of migrations) {
      migration.up(db);
      record.run(migration.version, `pmp-extractor: ${migration.description}`);
    }
  });
  run.immediate();
}
