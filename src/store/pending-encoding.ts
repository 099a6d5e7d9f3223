/**
 * D139: a pending row is stored smaller than its `systems` row, in ways the publishing
 * `INSERT ... SELECT` undoes in SQL. `pending_systems.encoded` is a bit mask (NULL: a plain row):
 * - a copy bit: the column held the same value as its source column, and is stored NULL;
 * - a dictionary bit: the column's text is stored as the id of a `pending_strings` row of the snapshot.
 * Every other column, and every row this encoder did not write, is stored as it is.
 */
import type Database from 'better-sqlite3';
import { SYSTEM_ROW_COLUMNS } from './system-upsert.ts';

/** A bound parameter; dictionary ids are bigint so that they bind as INTEGER. */
type SqlValue = string | number | bigint | null;

/** Columns whose value is usually another column's (the API repeats the resource's ids), with that column. */
const COPY_COLUMNS: readonly (readonly [string, string])[] = [
  ['resource_id_string', 'resource_id'],
  ['branchmemberresourcerel_resource_id', 'resource_id'],
  ['patchclientscanerror_resource_id', 'resource_id'],
  ['patchmgmtosinfo_resource_id', 'resource_id'],
  ['pmreshealthstatus_resource_id', 'resource_id'],
  ['branchofficedetails_branch_office_id', 'branch_office_id'],
];
// Not updated_at ← created_at: an upsert keeps the stored created_at, so the two differ after it.
// Every column above and its source are set by each upsert alike (the id is the key itself).

/**
 * TEXT columns with few distinct values in a fleet by their nature: the account, its branches and domains,
 * OS names and languages, agent paths and versions, status labels. Free text (description, location) and
 * per-machine values are left out: a string the dictionary holds once per snapshot costs about twice its
 * size (its row and its unique key), so it pays only for values many systems share.
 */
const DICTIONARY_COLUMNS: readonly string[] = [
  'agent_installed_dir',
  'os_name',
  'oslanguage_i18n',
  'patch_status_label',
  'status_label',
  'scan_remarks',
  'patch_status_image',
  'branch_office_name',
  'agent_version',
  'customer_id',
  'branch_office_id',
  'domain_netbios_name',
  'os_platform_name',
  'os_language_abbr',
  'service_pack',
  'error_kb_url',
];

/** Distinct strings a snapshot's dictionary holds at most; beyond it, new values are stored inline. */
const MAX_DICTIONARY_STRINGS = 10_000;

export const CREATE_PENDING_STRINGS = `
CREATE TABLE IF NOT EXISTS pending_strings (
    string_id INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (snapshot_id, text)
);`;

interface Encoded {
  at: number;
  bit: number;
}

const at = (column: string): number => SYSTEM_ROW_COLUMNS.indexOf(column);
const COPIES = COPY_COLUMNS.map(([column, source], index) => ({
  at: at(column),
  source: at(source),
  bit: 1 << index,
}));
const DICTIONARY: readonly Encoded[] = DICTIONARY_COLUMNS.map((column, index) => ({
  at: at(column),
  bit: 1 << (COPY_COLUMNS.length + index),
}));

// A name above that is not a column of the row would encode nothing and decode nothing: fail at load.
for (const index of [
  ...COPIES.flatMap((copy) => [copy.at, copy.source]),
  ...DICTIONARY.map((entry) => entry.at),
]) {
  if (index < 0) throw new Error('pending-encoding: a listed column is not in SYSTEM_ROW_COLUMNS');
}

/** The SELECT expression that gives column `name` of the pending row `p` back. */
export function decodedColumn(name: string): string {
  const copy = COPY_COLUMNS.findIndex(([column]) => column === name);
  if (copy >= 0) {
    const source = COPY_COLUMNS[copy]?.[1] ?? name;
    // The source may itself be a dictionary id (branch_office_id): read it decoded.
    return `CASE WHEN p.encoded & ${1 << copy} THEN ${decodedColumn(source)} ELSE p.${name} END`;
  }
  const entry = DICTIONARY_COLUMNS.indexOf(name);
  if (entry >= 0) {
    return (
      `CASE WHEN p.encoded & ${1 << (COPY_COLUMNS.length + entry)} ` +
      `THEN (SELECT text FROM pending_strings WHERE string_id = CAST(p.${name} AS INTEGER)) ELSE p.${name} END`
    );
  }
  return `p.${name}`;
}

/** Every pending row with its columns decoded, in SYSTEM_ROW_COLUMNS order, plus pending_id. */
export function decodedPendingRows(): string {
  const columns = SYSTEM_ROW_COLUMNS.map((name) => `${decodedColumn(name)} AS ${name}`);
  return `SELECT p.pending_id AS pending_id, ${columns.join(', ')} FROM pending_systems p`;
}

/**
 * Encodes the rows of one commit, inside its transaction. `begin` reads the snapshot's dictionary from the
 * database, so nothing cached outlives a transaction that rolled back.
 */
export interface PendingEncoder {
  begin(snapshotId: number): void;
  /** `params`: a row in SYSTEM_ROW_COLUMNS order, changed in place; returns the mask. */
  encode(params: SqlValue[]): number;
}

export function createPendingEncoder(db: Database.Database): PendingEncoder {
  const load = db.prepare('SELECT text, string_id FROM pending_strings WHERE snapshot_id = ?').raw();
  const insert = db.prepare('INSERT INTO pending_strings (snapshot_id, text) VALUES (?, ?)');
  let snapshot = 0;
  let ids = new Map<string, number>();
  const idOf = (text: string): number | undefined => {
    const known = ids.get(text);
    if (known !== undefined || ids.size >= MAX_DICTIONARY_STRINGS) return known;
    const id = Number(insert.run(snapshot, text).lastInsertRowid);
    ids.set(text, id);
    return id;
  };
  return {
    begin(snapshotId) {
      snapshot = snapshotId;
      ids = new Map(load.all(snapshotId) as [string, number][]);
    },
    encode(params) {
      let mask = 0;
      for (const copy of COPIES) {
        const value = params[copy.at];
        if (value !== null && value !== undefined && value === params[copy.source]) {
          params[copy.at] = null;
          mask |= copy.bit;
        }
      }
      for (const entry of DICTIONARY) {
        const value = params[entry.at];
        if (typeof value !== 'string') continue;
        const id = idOf(value);
        if (id === undefined) continue;
        // A JS number binds as REAL, which a TEXT column would keep as '12.0'; a bigint binds as INTEGER.
        params[entry.at] = BigInt(id);
        mask |= entry.bit;
      }
      return mask;
    },
  };
}
