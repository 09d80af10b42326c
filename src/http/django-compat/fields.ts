// A DRF serializer's field checks, for the few string fields each endpoint
// takes: required, not null, a string (numbers are taken as text, as
// CharField does), not blank, not too long. Every field is checked and all
// problems are reported together, in the order the fields are declared.
// Passwords are not trimmed (authql checks them exactly as typed).
import { fieldErrors, nonFieldError, TEXT } from './answers';

export interface FieldSpec {
  /** Default true. */
  required?: boolean;
  allowBlank?: boolean;
  /** Kept exactly as sent (DRF's CharField would strip it). */
  password?: boolean;
  maxLength?: number;
}

type Values<S extends Record<string, FieldSpec>> = { [K in keyof S]: S[K] extends { required: false } ? string | undefined : string };

/** `body` is whatever the request carried; anything but an object is refused as DRF refuses it. */
export function readFields<S extends Record<string, FieldSpec>>(body: unknown, specs: S): Values<S> {
  if (body === null) throw nonFieldError(TEXT.null, 'BAD_USER_INPUT');
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw nonFieldError(`Invalid data. Expected a dictionary, but got ${pythonType(body)}.`, 'BAD_USER_INPUT');
  }
  const data = body as Record<string, unknown>;
  const values: Record<string, string | undefined> = {};
  const errors: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const result = readField(Object.hasOwn(data, name) ? data[name] : undefined, spec);
    if (typeof result === 'object') errors[name] = [result.error];
    else values[name] = result;
  }
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  return values as Values<S>;
}

function readField(raw: unknown, spec: FieldSpec): string | undefined | { error: string } {
  if (raw === undefined) return spec.required === false ? undefined : { error: TEXT.required };
  if (raw === null) return { error: TEXT.null };
  if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return { error: TEXT.notString };
  const text = String(raw);
  const trimmed = text.trim();
  if (trimmed === '' && !spec.allowBlank) return { error: TEXT.blank };
  const value = spec.password ? text : trimmed;
  if (spec.maxLength !== undefined && [...value].length > spec.maxLength) return { error: TEXT.maxLength(spec.maxLength) };
  return value;
}

/** How Python names the type of a parsed JSON value, as DRF's message does. */
function pythonType(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v;
}
