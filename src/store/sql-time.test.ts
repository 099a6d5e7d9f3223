import { describe, expect, it } from 'vitest';
import * as store from './index.ts';
import { parseSqlTime, toSqlTime } from './sql-time.ts';

const MS = Date.UTC(2026, 10, 26, 10, 15, 0, 123);

describe('sql times', () => {
  it('writes UTC in SQLite text form and reads it back exactly', () => {
    expect(toSqlTime(MS)).toBe('2026-11-26 10:15:00.123');
    expect(parseSqlTime(toSqlTime(MS))).toBe(MS);
  });

  it("reads CURRENT_TIMESTAMP's form and ISO strings with zones; null for nothing or junk", () => {
    expect(parseSqlTime('2026-11-26 10:15:00')).toBe(MS - 123);
    expect(parseSqlTime('2026-11-26T10:15:00.123Z')).toBe(MS);
    expect(parseSqlTime('2026-11-26T12:15:00.123+02:00')).toBe(MS);
    expect(parseSqlTime(null)).toBeNull();
    expect(parseSqlTime('')).toBeNull();
    expect(parseSqlTime('yesterday')).toBeNull();
  });
});

describe('the store barrel', () => {
  it('exports the entry points and the column lists', () => {
    expect(typeof store.openStore).toBe('function');
    expect(typeof store.acquireRunLock).toBe('function');
    expect(store.SYSTEM_REQUIRED_COLUMNS).toEqual(['resource_name', 'branch_office_name']);
    expect(store.SYSTEM_TIME_COLUMNS.has('last_scan_time')).toBe(true);
  });
});
