/**
 * D9 / D17: plain http:// is allowed only to this machine (the local simulator and its Slack sink), so
 * client secrets, tokens and webhook paths never cross a network in clear text. Only literal loopback
 * addresses count: `localhost`, a dotted-quad IPv4 literal in 127.0.0.0/8, and `[::1]`. A host name that
 * merely starts with `127.` (`127.attacker.example`, `127.0.0.1.nip.io`) resolves through DNS to
 * anywhere and is not loopback (D26).
 *
 * `hostname` is WHATWG `URL.hostname`: already lower-cased, IPv4 shorthands (`127.1`, `0x7f.1`)
 * normalised to dotted quads, IPv6 compressed and kept in brackets.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
