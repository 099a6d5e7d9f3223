/** D91: records are tested for secrets once, joined, and scrubbed field by field only when needed. */
import { describe, expect, it } from 'vitest';
import type { ParsedPage } from '../api/index.ts';
import { SecretRegistry } from '../observability/index.ts';
import { scrubPage } from './scrub-records.ts';

const SECRET = 'cs-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function page(records: ParsedPage['records']): ParsedPage {
  return {
    records,
    ids: records.map((record) => record.resource_id),
    rejects: [],
    receivedCount: records.length,
    total: records.length,
    limit: 25,
    recordsKey: 'scandetails',
  } as unknown as ParsedPage;
}

describe('scrubPage (D91)', () => {
  const secrets = new SecretRegistry();
  secrets.add(SECRET);

  it('returns a clean record untouched (the same object)', () => {
    const clean = {
      resource_id: '1',
      columns: { resource_name: 'pc-1', os_platform: 1 },
      raw_json: '{"a":1}',
    };
    const [out] = scrubPage(page([clean]), secrets).records;
    expect(out).toBe(clean);
  });

  it('scrubs a secret found only in a column, only in raw_json, or only as a fragment', () => {
    const inColumn = { resource_id: '2', columns: { owner: `x ${SECRET}`, n: 5 }, raw_json: '{"b":2}' };
    const inRaw = { resource_id: '3', columns: { owner: 'y' }, raw_json: `{"owner":"${SECRET}"}` };
    const fragment = { resource_id: '4', columns: { owner: `cut ${SECRET.slice(0, 14)}` }, raw_json: '{}' };
    const out = scrubPage(page([inColumn, inRaw, fragment]), secrets).records;
    expect(out[0]?.columns).toEqual({ owner: 'x [redacted]', n: 5 });
    expect(out[1]?.raw_json).toBe('{"owner":"[redacted]"}');
    expect(out[2]?.columns['owner']).toBe('cut [redacted]');
    expect(JSON.stringify(out)).not.toContain(SECRET.slice(0, 12));
  });

  it('leaves the page alone when no secret is registered', () => {
    const input = page([{ resource_id: '5', columns: { owner: SECRET }, raw_json: '{}' }]);
    expect(scrubPage(input, new SecretRegistry())).toBe(input);
  });
});
