// Django REST framework's answers: JSON in DRF's shapes (`detail` for a
// request-level failure, field lists and `non_field_errors` for validation),
// each error with authql's catalogue code as a top-level `code` (and its
// `reason`, when it has one) so a new client can switch on it. A field named
// `code` would collide; none of these endpoints reports one (see README).
import type { ErrorCode, RequestErrorCode } from '../../errors';

/** A code from the one catalogue (or one a parallel change adds to it, matched by name). */
export type CatalogueCode = ErrorCode | RequestErrorCode;

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A refusal already in DRF's shape; views throw it, the router answers it. */
export class DrfError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`DRF ${status}`);
    this.name = 'DrfError';
  }
}

export const ok = (body: unknown, status = 200): Answer => ({ status, body });

/** `{"detail": …, "code": …}`: what DRF's APIExceptions (NotAuthenticated, Throttled, NotFound, …) look like. */
export const detailError = (status: number, detail: string, code: CatalogueCode, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new DrfError(status, { detail, code, ...extra }, headers);

/** A serializer's field errors, `{"field": ["message"], …}`, in the order the fields are declared. */
export const fieldErrors = (errors: Record<string, string[]>, extra: Record<string, unknown> = {}) =>
  new DrfError(400, { ...errors, code: 'BAD_USER_INPUT', ...extra });

/** What a serializer's validate() raises: `{"non_field_errors": ["message"]}`. */
export const nonFieldError = (message: string, code: CatalogueCode, extra: Record<string, unknown> = {}) =>
  new DrfError(400, { non_field_errors: [message], code, ...extra });

/** DRF's standard texts. */
export const TEXT = {
  notProvided: 'Authentication credentials were not provided.',
  notFound: 'Not found.',
  forbidden: 'You do not have permission to perform this action.',
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.',
  notString: 'Not a valid string.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  methodNotAllowed: (method: string) => `Method "${method}" not allowed.`,
  unsupportedMedia: (type: string) => `Unsupported media type "${type}" in request.`,
  throttled: (wait: number) => `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
} as const;
