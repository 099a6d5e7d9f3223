/**
 * Text patterns that identify auth failures, daily quotas and throttle pages inside bodies. PMP's
 * exact wording is UNCONFIRMED (D13, D23), so these are deliberately tolerant; each is tested.
 */

/** Zoho's INVALID_OAUTHTOKEN and look-alikes: refresh the token and replay. */
const AUTH_CODE = /INVALID_OAUTH|OAUTH_?TOKEN|INVALID_TOKEN|TOKEN_EXPIRED|AUTHENTICATION|UNAUTHORI[SZ]ED/i;
/** A token without the needed scope: a 403 in substance. */
const SCOPE_CODE = /SCOPE_MISMATCH|NO_PERMISSION|PERMISSION_DENIED|FORBIDDEN/i;
const DAILY_QUOTA_CODE = /API_LIMIT_EXCEEDED|DAILY|QUOTA/i;
const DAILY_QUOTA_TEXT =
  /daily[\s_-]+(?:api[\s_-]+)?(?:request[\s_-]+)?(?:limit|quota)|quota[\s_-]+(?:has[\s_-]+been[\s_-]+)?exceeded/i;
/** The HTML-200 "please wait" throttle page and its plain-text variants. */
const THROTTLE_TEXT = /please\s+wait|too\s+many\s+requests|being\s+processed|rate[\s-]*limit|throttl/i;

export function isAuthErrorCode(code: string | null): boolean {
  return code !== null && AUTH_CODE.test(code);
}

export function isScopeErrorCode(code: string | null): boolean {
  return code !== null && SCOPE_CODE.test(code);
}

export function isDailyQuota(code: string | null, text: string): boolean {
  return (code !== null && DAILY_QUOTA_CODE.test(code)) || DAILY_QUOTA_TEXT.test(text);
}

export function looksThrottled(text: string): boolean {
  return THROTTLE_TEXT.test(text);
}

export function mentionsInvalidToken(text: string): boolean {
  return /INVALID_OAUTHTOKEN/.test(text);
}
