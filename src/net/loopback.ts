// Clear-text http is tolerated in production only towards the machine itself:
// nobody on the network sits between, and browsers treat these hosts as
// secure contexts. Anything else a browser or a mail client reaches must be https.
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for an https URL or origin, or an http one on localhost, 127.0.0.1 or [::1]. */
export function isHttpsOrLoopback(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(parsed.hostname));
}
