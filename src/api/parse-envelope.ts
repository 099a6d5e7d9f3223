/**
 * Shared front half of every endpoint parser: empty / HTML / plain-text detection before parsing,
 * lossless parse, then the error-or-success envelope.
 */
import type { BodyOutcome } from './attempt-result.ts';
import { detectBodyShape } from './detect-body-shape.ts';
import { readEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { parseLossless } from './lossless.ts';
import type { JsonObject } from './lossless.ts';

export type EnvelopeOrFailure<T> =
  | { kind: 'envelope'; messageType: string | null; response: JsonObject }
  | { kind: 'failure'; outcome: BodyOutcome<T> };

export function parseEnvelope<T>(text: string): EnvelopeOrFailure<T> {
  const shape = detectBodyShape(text);
  switch (shape) {
    case 'empty':
      return { kind: 'failure', outcome: { kind: 'invalid', reason: 'empty response body' } };
    case 'html':
    case 'text':
      return { kind: 'failure', outcome: { kind: 'not_json', html: shape === 'html' } };
    case 'json':
      break;
  }
  let envelope: Envelope;
  try {
    envelope = readEnvelope(parseLossless(text.trim()));
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unknown parser error';
    return { kind: 'failure', outcome: { kind: 'invalid', reason: `unparseable JSON: ${detail}` } };
  }
  switch (envelope.kind) {
    case 'error':
      return {
        kind: 'failure',
        outcome: { kind: 'api_error', errorCode: envelope.errorCode, errorMessage: envelope.errorMessage },
      };
    case 'invalid':
      return { kind: 'failure', outcome: { kind: 'invalid', reason: envelope.reason } };
    case 'ok':
      return { kind: 'envelope', messageType: envelope.messageType, response: envelope.response };
  }
}
