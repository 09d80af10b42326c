// DJANGO_COMPAT: the REST surface for apps built on djangorestframework-jwt
// and rest-auth (http/django-compat/). Read here so config.ts keeps one line
// for it; every problem is reported with the rest.
import { isHttpsOrLoopback } from '../net/loopback';
import type { Reader } from './reader';
import type { Config } from './types';

/** `/api`, `/v1/auth`: a leading slash, no trailing one, plain path characters. */
const PREFIX_RE = /^(\/[A-Za-z0-9._~-]+)*$/;

export function readDjangoCompat(r: Reader, isProduction: boolean): Config['djangoCompat'] {
  const enabled = r.bool('DJANGO_COMPAT', false);
  const prefix = r.str('DJANGO_COMPAT_PREFIX', '');
  if (!PREFIX_RE.test(prefix)) r.problems.push(`DJANGO_COMPAT_PREFIX must be empty or a path like /api, without a trailing slash (got "${prefix}")`);
  const raw = r.str('DJANGO_COMPAT_PUBLIC_URL');
  const publicUrl = raw === undefined ? undefined : r.url('DJANGO_COMPAT_PUBLIC_URL', raw);
  if (enabled && isProduction) {
    // Links in answers (the users list's `url`, `next`) would otherwise come from the Host header, in clear text.
    if (publicUrl === undefined)
      r.problems.push('DJANGO_COMPAT_PUBLIC_URL is required in production when DJANGO_COMPAT=true (authql’s public URL, for the links in /users/)');
    else if (!isHttpsOrLoopback(publicUrl)) r.problems.push(`DJANGO_COMPAT_PUBLIC_URL must be https in production, except localhost (got "${publicUrl}")`);
  }
  return { enabled, prefix, publicUrl };
}

/** What DJANGO_COMPAT cannot be combined with. */
export function djangoCompatProblems(config: Pick<Config, 'djangoCompat' | 'cookie'>): string[] {
  if (!config.djangoCompat.enabled || !config.cookie.hideTokenFields) return [];
  return ['DJANGO_COMPAT=true cannot be combined with JWT_HIDE_TOKEN_FIELDS=true: the REST endpoints hand their tokens out in the answer body'];
}
