/**
 * The same mapping as normalize-record.ts (D5), for records parsed by the digit-safe path, with a
 * cached key plan: the records of a page share one key list, so the dotted-first sort, the
 * dots → underscores mapping and the column lookup are done once per key list instead of once per
 * record. Values come from digit-safe-scan: an integer above 2^53 is a string starting with
 * UNSAFE_MARKER. `raw_json` is the caller's exact slice of the response, not a re-serialisation.
 * Output is identical to normalizeRecord's (columns, order, id); the property tests hold it to that.
 */
import { LosslessNumber } from 'lossless-json';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_TEXT_COLUMNS, SYSTEM_TIME_COLUMNS } from '../store/index.ts';
import { UNSAFE_MARKER } from './digit-safe-scan.ts';
import type { JsonValue } from './lossless.ts';
import { normalizeRecord } from './normalize-record.ts';
import type { NormalizeResult } from './normalize-record.ts';
import { toIntegerValue, toTextValue } from './normalize-value.ts';
import { readResourceId } from './resource-id.ts';

export type RecordNormalizer = (raw: unknown, index: number, rawJson: string) => NormalizeResult;

const KEY_ALIASES: Readonly<Record<string, string>> = {
  'resource.name': 'resource_name',
  'resource.domain_netbios_name': 'domain_netbios_name',
};
const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  ...SYSTEM_TEXT_COLUMNS,
  'resource_name',
  'branch_office_name',
]);
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(SYSTEM_INTEGER_COLUMNS);
const UNKNOWN_BRANCH = '(unknown)';
/** Every column NULL, in normalizeRecord's insertion order; each record starts from a copy. */
const EMPTY_COLUMNS: Readonly<Record<string, string | number | null>> = Object.fromEntries(
  [...TEXT_COLUMNS, ...INTEGER_COLUMNS].map((column) => [column, null]),
);
/** Plans kept; a page normally needs one, a mixed page a few. */
const MAX_PLANS = 8;

type Coercion = 'text' | 'integer' | 'time' | 'health';
interface PlanStep {
  key: string;
  column: string;
  coercion: Coercion;
}
interface KeyPlan {
  keys: readonly string[];
  steps: readonly PlanStep[];
  /** A key maps to a name Object.prototype has (`toString`…): left to normalizeRecord itself. */
  inherited: boolean;
}

function isMarked(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && value.startsWith(UNSAFE_MARKER);
}

/** A digit-safe value as lossless-json would have returned it (LosslessNumber for marked integers). */
function toLosslessValue(value: unknown): JsonValue {
  if (isMarked(value)) return new LosslessNumber(value.slice(1));
  if (Array.isArray(value)) return value.map(toLosslessValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries<JsonValue>(
      Object.entries(value).map(([key, member]) => [key, toLosslessValue(member)]),
    );
  }
  return value as JsonValue;
}

/** What normalize-value needs: a marked integer as its digits (same result as its LosslessNumber). */
function columnInput(value: unknown): JsonValue | undefined {
  if (typeof value === 'string') return isMarked(value) ? value.slice(1) : value;
  if (typeof value === 'object' && value !== null) return toLosslessValue(value);
  return value as JsonValue | undefined;
}

/** An id field as lossless-json would have returned it; absent stays absent. */
function idInput(value: unknown): JsonValue | undefined {
  return value === undefined ? undefined : toLosslessValue(value);
}

function coercionOf(column: string): Coercion {
  if (TEXT_COLUMNS.has(column)) return 'text';
  if (SYSTEM_TIME_COLUMNS.has(column)) return 'time';
  return column === 'resource_health_status' ? 'health' : 'integer';
}

function coerce(coercion: Coercion, value: JsonValue | undefined): string | number | null {
  if (coercion === 'text') return toTextValue(value);
  const integer = toIntegerValue(value);
  if (coercion === 'time') return integer === -1 ? null : integer;
  if (coercion === 'health')
    return typeof integer === 'number' && integer >= 0 && integer <= 3 ? integer : null;
  return integer;
}

function buildPlan(keys: readonly string[]): KeyPlan {
  // Dotted keys first, then exact column names (stable sort), as normalizeRecord orders them.
  const sorted = [...keys].sort((a, b) => Number(!a.includes('.')) - Number(!b.includes('.')));
  const steps: PlanStep[] = [];
  let inherited = false;
  for (const key of sorted) {
    const column = KEY_ALIASES[key] ?? key.replace(/\./g, '_');
    if (Object.hasOwn(EMPTY_COLUMNS, column)) steps.push({ key, column, coercion: coercionOf(column) });
    else if (column in EMPTY_COLUMNS) inherited = true;
  }
  return { keys, steps, inherited };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** A normaliser with its own plan cache (one per parser; plans never go stale: they are pure). */
export function createPlannedNormalizer(): RecordNormalizer {
  const plans: KeyPlan[] = [];
  const planFor = (keys: readonly string[]): KeyPlan => {
    for (const plan of plans) if (sameKeys(plan.keys, keys)) return plan;
    const plan = buildPlan(keys);
    if (plans.length >= MAX_PLANS) plans.pop();
    plans.unshift(plan);
    return plan;
  };

  return (raw, index, rawJson) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { kind: 'rejected', reject: { index, reason: 'record is not an object', raw_json: rawJson } };
    }
    const record = raw as Record<string, unknown>;
    const id = readResourceId({
      resource_id_string: idInput(record['resource_id_string']),
      resource_id: idInput(record['resource_id']),
    });
    if (id.kind === 'rejected')
      return { kind: 'rejected', reject: { index, reason: id.reason, raw_json: rawJson } };
    const resourceId = id.id;
    const plan = planFor(Object.keys(record));
    if (plan.inherited) {
      const result = normalizeRecord(toLosslessValue(record), index);
      return result.kind === 'ok' ? { kind: 'ok', record: { ...result.record, raw_json: rawJson } } : result;
    }
    const columns: Record<string, string | number | null> = { ...EMPTY_COLUMNS };
    for (const step of plan.steps) {
      const value = coerce(step.coercion, columnInput(record[step.key]));
      if (value !== null) columns[step.column] = value;
    }
    columns['resource_name'] ??= resourceId;
    columns['branch_office_name'] ??= UNKNOWN_BRANCH;
    return { kind: 'ok', record: { resource_id: resourceId, columns, raw_json: rawJson } };
  };
}
