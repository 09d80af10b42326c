// WEBAUTHN_*: who the relying party is and which origins may answer for it.
// A passkey is bound to the RP ID for life, so production must name it; in
// development the default is `localhost` with whatever port the server ends
// up listening on (origins: null), so the playground works with PORT=0.
import type { Reader } from './reader';
import type { WebAuthnConfig } from './types';

const ANDROID = /^android:apk-key-hash:[A-Za-z0-9_-]{43}$/;

export function readWebAuthn(r: Reader, isProduction: boolean): WebAuthnConfig {
  const rpId = r.str('WEBAUTHN_RP_ID');
  const listed = r.list('WEBAUTHN_ORIGINS');
  const config: WebAuthnConfig = {
    enabled: rpId !== undefined || !isProduction,
    rpId: rpId ?? 'localhost',
    rpName: r.str('WEBAUTHN_RP_NAME', 'authql'),
    origins: listed.length > 0 ? listed : null,
  };
  if (rpId !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(rpId)) {
    r.problems.push(`WEBAUTHN_RP_ID must be a lower-case domain name without scheme or port (got "${rpId}")`);
  }
  if (rpId !== undefined && listed.length === 0 && rpId !== 'localhost') {
    r.problems.push('WEBAUTHN_ORIGINS is required with WEBAUTHN_RP_ID (the origins your app and its pages are served from)');
  }
  for (const origin of listed) r.problems.push(...originProblems(origin, config.rpId, isProduction));
  return config;
}

function originProblems(origin: string, rpId: string, isProduction: boolean): string[] {
  if (ANDROID.test(origin)) return [];
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    /* reported below */
  }
  if (!url || url.origin !== origin || !['https:', 'http:'].includes(url.protocol)) {
    return [`WEBAUTHN_ORIGINS entries must be origins like https://app.example or android:apk-key-hash:<43 base64url characters> (got "${origin}")`];
  }
  const problems: string[] = [];
  // Browsers allow http only on localhost; elsewhere it would be a page anyone on the network can rewrite.
  if (url.protocol === 'http:' && (isProduction || url.hostname !== 'localhost')) {
    problems.push(`WEBAUTHN_ORIGINS entries must use https${isProduction ? ' in production' : ' (http only on localhost)'} (got "${origin}")`);
  }
  // WebAuthn: the RP ID must be the origin's host or a registrable suffix of it.
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    problems.push(`WEBAUTHN_ORIGINS entry "${origin}" is not on WEBAUTHN_RP_ID ${rpId} (its host must be ${rpId} or end in .${rpId})`);
  }
  return problems;
}
