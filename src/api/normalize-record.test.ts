import { describe, expect, it } from 'vitest';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_TEXT_COLUMNS, type SystemRecord } from '../store/index.ts';
import { parseLossless } from './lossless.ts';
import { normalizeRecord } from './normalize-record.ts';

function normalize(text: string): SystemRecord {
  const result = normalizeRecord(parseLossless(text), 0);
  if (result.kind !== 'ok') throw new Error(result.reject.reason);
  return result.record;
}

describe('normalizeRecord', () => {
  it('prefers resource_id_string and keeps the raw JSON digits exact', () => {
    const record = normalize(
      '{"resource_id":52549000000186013,"resource_id_string":"52549000000186013","x":1.5}',
    );
    expect(record.resource_id).toBe('52549000000186013');
    expect(record.columns['resource_id_string']).toBe('52549000000186013');
    expect(record.raw_json).toBe(
      '{"resource_id":52549000000186013,"resource_id_string":"52549000000186013","x":1.5}',
    );
  });

  it('reads an unsafe numeric resource_id losslessly', () => {
    expect(normalize('{"resource_id":52549000000186013}').resource_id).toBe('52549000000186013');
  });

  it('maps dotted keys to underscore columns', () => {
    const { columns } = normalize(
      JSON.stringify({
        resource_id: 1,
        'resource.name': 'WKS-0042',
        'resource.domain_netbios_name': 'CORP',
        'branchofficedetails.branch_office_id': 4,
        'oslanguage.i18n': 'en_US',
        'oslanguage.languageid': '1033',
        'patchstatusdefn.label': 'not a column',
      }),
    );
    expect(columns).toMatchObject({
      resource_name: 'WKS-0042',
      domain_netbios_name: 'CORP',
      branchofficedetails_branch_office_id: '4',
      oslanguage_i18n: 'en_US',
      oslanguage_languageid: 1033,
    });
    expect(columns).not.toHaveProperty('patchstatusdefn_label');
  });

  it('fills every downstream column, NULL when absent', () => {
    const { columns } = normalize('{"resource_id":1}');
    const expected = [
      ...SYSTEM_TEXT_COLUMNS,
      ...SYSTEM_INTEGER_COLUMNS,
      'resource_name',
      'branch_office_name',
    ];
    expect(Object.keys(columns).sort()).toEqual([...new Set(expected)].sort());
  });

  it('prefers resource_name over resource.name, but never lets a sentinel win', () => {
    expect(
      normalize('{"resource_name":"plain","resource.name":"dotted","resource_id":1}').columns[
        'resource_name'
      ],
    ).toBe('plain');
    expect(
      normalize('{"resource_name":"--","resource.name":"dotted","resource_id":1}').columns['resource_name'],
    ).toBe('dotted');
  });

  it('turns "--", "", "NA" and -1 times into NULL', () => {
    const { columns } = normalize(
      '{"resource_id":1,"description":"--","service_pack":"","owner":"NA","agent_installed_on":-1,"last_scan_time":"-1","os_platform":-1}',
    );
    expect(columns).toMatchObject({
      description: null,
      service_pack: null,
      owner: null,
      agent_installed_on: null,
      last_scan_time: null,
      os_platform: -1, // not a time column: -1 is a value
    });
  });

  it('coerces INTEGER columns from strings; non-numeric → NULL; health outside 0..3 → NULL', () => {
    const { columns } = normalize(
      '{"resource_id":1,"scan_status":"228","os_platform":"Windows","agent_last_contact_time":1710000000000,"installation_status":22.5,"computer_live_status":true,"resource_health_status":7}',
    );
    expect(columns).toMatchObject({
      scan_status: 228,
      os_platform: null,
      agent_last_contact_time: 1710000000000,
      installation_status: null,
      computer_live_status: null,
      resource_health_status: null,
    });
    expect(
      normalize('{"resource_id":1,"resource_health_status":"3"}').columns['resource_health_status'],
    ).toBe(3);
  });

  it('keeps an INTEGER beyond 2^53 as its exact digits', () => {
    expect(normalize('{"resource_id":1,"last_sync_time":92233720368547758}').columns['last_sync_time']).toBe(
      '92233720368547758',
    );
  });

  it('stores TEXT columns as strings: 17-digit numbers exact, booleans and objects as text', () => {
    const { columns } = normalize(
      '{"resource_id":1,"customer_id":52549000000166809,"branch_office_id":1,"location":true,"search_tag":{"a":52549000000166809}}',
    );
    expect(columns).toMatchObject({
      customer_id: '52549000000166809',
      branch_office_id: '1',
      location: 'true',
      search_tag: '{"a":52549000000166809}',
    });
  });

  it('fills NOT NULL columns: name falls back to the id, branch to (unknown)', () => {
    const { columns } = normalize('{"resource_id_string":"52549000000186013","branch_office_name":"--"}');
    expect(columns['resource_name']).toBe('52549000000186013');
    expect(columns['branch_office_name']).toBe('(unknown)');
  });

  it('rejects a record without any id, with its raw JSON', () => {
    expect(normalizeRecord(parseLossless('{"resource.name":"x","resource_id":""}'), 4)).toEqual({
      kind: 'rejected',
      reject: {
        index: 4,
        reason: 'record has no resource_id',
        raw_json: '{"resource.name":"x","resource_id":""}',
      },
    });
  });
});
