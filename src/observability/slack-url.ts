import { isLoopbackHost } from '../platform/index.ts';

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * D9: a webhook URL is `https://…`, or `http://` on a loopback host (for the local simulator's
 * sink). Reasons never echo the URL: it is a credential.
 */
export function validateWebhookUrl(url: string | null | undefined): WebhookUrlCheck {
  if (url === undefined || url === null || url.trim() === '') {
    return { ok: false, reason: 'SLACK_WEBHOOK_URL is not set' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { ok: false, reason: 'SLACK_WEBHOOK_URL is not a valid URL' };
  }
  if (parsed.protocol === 'https:') return { ok: true, url: parsed.href };
  if (parsed.protocol === 'http:') {
    if (isLoopbackHost(parsed.hostname)) return { ok: true, url: parsed.href };
    return { ok: false, reason: 'SLACK_WEBHOOK_URL uses http:// on a non-loopback host' };
  }
  return { ok: false, reason: 'SLACK_WEBHOOK_URL must use https:// (http:// only on loopback)' };
}
