/**
 * Decide what a body is before handing it to the JSON parser (D13): PMP's throttle
 * answer is an HTML page with HTTP 200 and a JSON content type cannot be trusted (it sends text/plain).
 */
export type BodyShape = 'empty' | 'html' | 'text' | 'json';

export function detectBodyShape(text: string): BodyShape {
  const trimmed = text.trimStart();
  if (trimmed === '') return 'empty';
  const first = trimmed[0];
  if (first === '<') return 'html';
  if (first === '{' || first === '[') return 'json';
  return 'text';
}
