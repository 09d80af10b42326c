// Apollo Server 5 on plain node:http: no framework in the hot path. Reads the
// body with a hard size cap, hands the request to Apollo (which keeps its
// CSRF prevention) and streams the answer back, with the status codes of the
// GraphQL-over-HTTP spec (see requestErrorStatus).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { ErrorCode, RequestErrorCode } from '../errors';
import type { Context } from '../graphql/context';
import type { PreparedOperations } from '../graphql/prepared-operations';

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** The request body, or BodyTooLargeError as soon as it passes `limit` bytes (declared or sent). */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new BodyTooLargeError());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * An error answered by the HTTP layer itself (no GraphQL execution), in the
 * same `{ errors: [{ message, extensions: { code } }] }` shape and with a
 * code from the one catalogue.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode | RequestErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function handleGraphQL(
  apollo: ApolloServer<Context>,
  req: IncomingMessage,
  res: ServerResponse,
  opts: {
    maxBodyBytes: number;
    context: () => Promise<Context>;
    setCookies: () => string[];
    /** Rejects over-limit documents before Apollo parses and validates them. */
    guard: (query: string, variables: Record<string, unknown>) => { error?: GraphQLError };
    /** Documents Apollo has accepted before, answered without it (graphql/prepared-operations.ts). */
    prepared: PreparedOperations;
  },
): Promise<void> {
  const contentType = req.headers['content-type'] ?? '';
  let body: unknown;
  if (req.method === 'POST') {
    const text = await readBody(req, opts.maxBodyBytes);
    if (contentType.toLowerCase().includes('application/json')) {
      try {
        body = JSON.parse(text);
      } catch {
        return sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
      }
    } else {
      body = text;
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const request = (req.method === 'POST' ? body : { query: url.searchParams.get('query'), variables: parseVariables(url.searchParams.get('variables')) }) as {
    query?: unknown;
    variables?: unknown;
  } | null;
  if (typeof request?.query === 'string') {
    const variables = request.variables !== null && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : {};
    const { error } = opts.guard(request.query, variables);
    if (error) return sendJson(res, 400, { errors: [{ message: error.message, extensions: error.extensions }] });
  }
  // Tokens and private fields: no cache anywhere may keep an answer.
  res.setHeader('cache-control', 'no-store');
  // Only what Apollo's CSRF check always lets through: a POST whose media type is exactly JSON.
  if (req.method === 'POST' && isJson(contentType)) {
    const answer = await opts.prepared.answer(body, req.headers.accept, opts.context);
    if (answer) {
      res.setHeader('content-type', answer.contentType);
      setCookies(res, opts.setCookies());
      res.end(answer.body);
      return;
    }
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
    context: opts.context,
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  setCookies(res, opts.setCookies());
  if (result.body.kind === 'complete') {
    res.statusCode = requestErrorStatus(result.status ?? 200, result.headers.get('content-type'), result.body.string);
    // A 200 is an answer Apollo negotiated for this Accept header; an error status may not be.
    if (res.statusCode === 200 && result.status === undefined) opts.prepared.learnContentType(req.headers.accept, result.headers.get('content-type'));
    res.end(result.body.string);
    return;
  }
  res.statusCode = result.status ?? 200;
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function setCookies(res: ServerResponse, cookies: string[]): void {
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
}

const isJson = (contentType: string): boolean => contentType.split(';', 1)[0].trim().toLowerCase() === 'application/json';

/** GET carries the variables as JSON text; what does not parse, Apollo refuses. */
function parseVariables(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** GraphQL's own request errors: the request was well-formed HTTP, the document or its variables were not. */
const GRAPHQL_REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Apollo answers parse, validation and variable-coercion failures with 400
 * whatever the client accepts. The GraphQL-over-HTTP spec keeps 4xx for
 * `application/graphql-response+json` but says a well-formed request answered
 * as legacy `application/json` SHOULD get 200 (the errors are in the body).
 * Malformed HTTP (bad JSON, no query, the CSRF check) stays 400.
 */
export function requestErrorStatus(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !contentType?.toLowerCase().startsWith('application/json')) return status;
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
    const errors = parsed.errors ?? [];
    const requestErrors = parsed.data === undefined && errors.length > 0 && errors.every((e) => GRAPHQL_REQUEST_ERRORS.has(String(e.extensions?.code)));
    return requestErrors ? 200 : status;
  } catch {
    return status;
  }
}
