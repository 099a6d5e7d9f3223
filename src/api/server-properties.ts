/**
 * `GET /api/1.4/desktop/serverproperties`: the valid filter values (branch offices, domains, custom
 * groups). Not paginated. Missing lists read as empty; a missing object is a parse failure.
 */
import type { BodyOutcome } from './attempt-result.ts';
import { isJsonObject } from './lossless.ts';
import type { JsonValue } from './lossless.ts';
import { parseEnvelope } from './parse-envelope.ts';

export interface ServerProperties {
  branchOffices: string[];
  domains: string[];
  customGroups: string[];
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function parseServerProperties(text: string): BodyOutcome<ServerProperties> {
  const parsed = parseEnvelope<ServerProperties>(text);
  if (parsed.kind === 'failure') return parsed.outcome;
  const properties = parsed.response['serverproperties'] ?? parsed.response;
  if (!isJsonObject(properties)) return { kind: 'invalid', reason: 'serverproperties is not an object' };
  return {
    kind: 'parsed',
    value: {
      branchOffices: stringList(properties['branch_offices']),
      domains: stringList(properties['domains']),
      customGroups: stringList(properties['custom_groups']),
    },
  };
}
