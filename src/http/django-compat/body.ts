// Request bodies as DRF's default parsers read them: JSON (any charset),
// application/x-www-form-urlencoded and multipart/form-data (the last value
// of a repeated key, as Django's QueryDict gives it; file parts are ignored),
// and no content type at all as an empty body. Forms are refused in cookie
// mode (415, as if only DRF's JSONParser were configured): a cross-site
// <form> can send them without a preflight. Multipart is parsed by Node's
// own fetch implementation (undici), so no parser is added.
import type { IncomingMessage } from 'node:http';
import { readBodyBytes } from '../graphql-handler';
import { detailError, TEXT } from './answers';

export interface BodyRules {
  maxBytes: number;
  /** False in cookie mode. */
  forms: boolean;
}

/** The parsed body: an object for forms, whatever the JSON was for JSON. Throws BodyTooLargeError past the cap. */
export async function readData(req: IncomingMessage, rules: BodyRules): Promise<unknown> {
  const header = req.headers['content-type'] ?? '';
  const type = header.split(';')[0].trim().toLowerCase();
  const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  if (type !== '' && type !== 'application/json' && !(isForm && rules.forms)) {
    throw detailError(415, TEXT.unsupportedMedia(header), 'BAD_REQUEST');
  }
  const bytes = await readBodyBytes(req, rules.maxBytes);
  if (type === '' || bytes.length === 0) return {};
  if (type === 'application/json') return parseJson(bytes);
  if (type === 'application/x-www-form-urlencoded') return lastValues(new URLSearchParams(bytes.toString('utf8')));
  return parseMultipart(bytes, header);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    // DRF says "JSON parse error - " and Python's reason; ours is the JavaScript parser's.
    throw detailError(400, `JSON parse error - ${err instanceof Error ? err.message : 'invalid JSON'}`, 'BAD_REQUEST');
  }
}

async function parseMultipart(bytes: Buffer, contentType: string): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw detailError(400, 'Multipart form parse error - the body is not valid multipart/form-data.', 'BAD_REQUEST');
  }
  const data: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string') data[key] = value;
  return data;
}

function lastValues(params: URLSearchParams): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, value] of params) data[key] = value;
  return data;
}
