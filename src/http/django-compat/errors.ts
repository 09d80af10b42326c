// authql's errors as the Django endpoints answered them: throttling is 429
// with Retry-After and DRF's text, a second factor is 401 (an old app cannot
// complete it), a field error names the field the app sent (newPassword is
// rest-auth's new_password2), and everything else a serializer would have
// refused is 400 `non_field_errors`, with the endpoint's own text where the
// library had one ("Unable to log in with provided credentials.").
import { AppError, ERROR_CODES, isTransientDatabaseError } from '../../errors';
import { type CatalogueCode, DrfError, detailError, nonFieldError, TEXT } from './answers';

export interface ErrorStyle {
  /** authql's field → the field this endpoint's clients send (`newPassword` → `new_password2`). */
  fields?: Readonly<Record<string, string>>;
  /** The library's non_field_errors text for an error; the catalogue message when it has none. */
  message?(err: AppError): string | undefined;
}

/** Said to apps that cannot complete a second factor; they sign in through /graphql instead. */
export const SECOND_FACTOR_TEXT = 'This account has a second factor, which this endpoint cannot complete. Sign in with an app version that supports it.';

/** `www`: the WWW-Authenticate value every 401 carries (`JWT realm="api"`). */
export function toDrfError(err: unknown, style: ErrorStyle, www: string): DrfError | null {
  if (err instanceof DrfError) return err;
  if (!(err instanceof AppError)) {
    if (!isTransientDatabaseError(err)) return null;
    return detailError(503, ERROR_CODES.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '1' });
  }
  const code = err.code as CatalogueCode;
  const ext = err.extensions as Record<string, unknown>;
  const reason = typeof ext.reason === 'string' ? { reason: ext.reason } : {};
  // Added to the catalogue by the second-factor gate (issue 13); matched by name so this holds before and after.
  if ((err.code as string) === 'SECOND_FACTOR_REQUIRED') return detailError(401, SECOND_FACTOR_TEXT, code, {}, { 'www-authenticate': www });
  switch (code) {
    case 'RATE_LIMITED': {
      const wait = Math.max(1, Math.ceil(Number(ext.retryAfter) || 1));
      return detailError(429, TEXT.throttled(wait), code, {}, { 'retry-after': String(wait) });
    }
    case 'SERVICE_UNAVAILABLE':
      return detailError(503, err.message, code, {}, { 'retry-after': '1' });
    case 'UNAUTHENTICATED':
      return detailError(401, TEXT.notProvided, code, reason, { 'www-authenticate': www });
    case 'FORBIDDEN':
      return detailError(403, TEXT.forbidden, code, reason);
    case 'BAD_USER_INPUT': {
      const field = typeof ext.field === 'string' ? (style.fields?.[ext.field] ?? ext.field) : 'non_field_errors';
      return new DrfError(400, { [field]: [err.message], code, ...reason });
    }
    default:
      return nonFieldError(style.message?.(err) ?? err.message, code, reason);
  }
}
