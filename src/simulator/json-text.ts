/**
 * JSON text with exact big integers. PMP ids are 17-digit numbers above 2^53 sent as raw JSON numbers;
 * JSON.stringify cannot write a bigint, and a JS number would already have lost digits. So records are
 * held with bigint ids and serialised here, digit for digit.
 */
export type JsonValue =
  null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

export function toJsonText(value: JsonValue): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  const members = Object.entries(value).map(
    ([key, member]) => `${JSON.stringify(key)}:${toJsonText(member)}`,
  );
  return `{${members.join(',')}}`;
}
