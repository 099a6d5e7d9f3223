import { describe, expect, it } from 'vitest';
import { parseServerProperties } from './server-properties.ts';

describe('parseServerProperties', () => {
  it('reads the lists from message_response.serverproperties', () => {
    const text = JSON.stringify({
      message_type: 'serverproperties',
      message_response: {
        serverproperties: { branch_offices: ['A'], domains: ['CORP'], custom_groups: ['G'] },
      },
    });
    expect(parseServerProperties(text)).toEqual({
      kind: 'parsed',
      value: { branchOffices: ['A'], domains: ['CORP'], customGroups: ['G'] },
    });
  });

  it('accepts the lists directly under message_response', () => {
    const text = JSON.stringify({ message_response: { domains: ['CORP'] } });
    expect(parseServerProperties(text)).toMatchObject({
      kind: 'parsed',
      value: { domains: ['CORP'], branchOffices: [] },
    });
  });

  it('passes through envelope failures and rejects a non-object', () => {
    expect(parseServerProperties('<html>wait</html>')).toEqual({ kind: 'not_json', html: true });
    expect(parseServerProperties('{"message_response":{"serverproperties":[1]}}')).toEqual({
      kind: 'invalid',
      reason: 'serverproperties is not an object',
    });
  });
});
