// The prepared-operation path: a document Apollo has already parsed,
// validated and resolved is executed again without going through Apollo,
// compiled to a function by graphql-jit where that cannot change what runs
// (jitSafe), by graphql-js otherwise.
//
// Why: the operations every API call makes (verifyToken, a users page, `me`)
// repeat the same few documents, and for them Apollo's per-request pipeline
// (plugin hooks, request context, content negotiation, its error and result
// formatting) cost more than the resolver and its one statement (README,
// Performance). Apollo keeps every rule that decides whether a document may
// run: a document reaches this cache only from Apollo's didResolveOperation
// hook, which runs after parsing (with the token limit), validation (with
// our rules: introspection off in production) and operation resolution. The
// HTTP handler's own checks (body size, CORS, the query guard, the one
// Authorization header) run before either path.
//
// What this path answers is what Apollo would have answered, byte for byte
// (test/integration/prepared-operations.test.ts compares the two):
//   - only POST with a JSON body of `query`, `variables`, `operationName`
//     (Apollo's CSRF check lets every such request through; anything else,
//     extensions included, goes to Apollo);
//   - the content type Apollo chose for the same Accept header, learnt from
//     Apollo's own answers (a header not seen yet goes to Apollo);
//   - variables that do not coerce: nothing has run yet, so the request is
//     handed to Apollo, which answers with its BAD_USER_INPUT and status;
//   - errors normalised as Apollo does (a code on every error) and passed
//     through the same formatError.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { ERROR_CODES } from '../errors';
import type { Context } from './context';
import { operationLabel } from './operation-plugin';

/** Distinct documents an app sends are a few dozen; the bound stops a client that makes up new ones. */
const MAX_DOCUMENTS = 200;
/** Accept headers seen from real clients are a handful; past the bound a new one simply goes to Apollo. */
const MAX_ACCEPT_HEADERS = 32;

interface Prepared {
  document: DocumentNode;
  operationName: string | undefined;
  label: string;
  /** A query: see RequestState.readOnly. */
  readOnly: boolean;
  /** Whether graphql-jit may run it (see jitSafe). */
  jit: boolean;
  /**
   * The document compiled to a function (graphql-jit) on its second use (one
   * seen once is never compiled); null when graphql-jit cannot compile it.
   */
  compiled?: CompiledQuery | null;
}

export interface PreparedRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
}

/** Always a 200: every other status is Apollo's to give (request errors go back to it). */
export interface PreparedAnswer {
  contentType: string;
  body: string;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

const keyOf = (query: string, operationName: string | null | undefined) => `${operationName ?? ''}\n${query}`;

export class PreparedOperations {
  private readonly documents = new Map<string, Prepared>();
  private readonly contentTypes = new Map<string, string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly formatError: FormatError,
    private readonly answered: { inc(): void },
    /** Where a formatError that throws is reported (Apollo would swallow it: a bug nobody sees). */
    private readonly log: (err: unknown) => void,
  ) {}

  /** Learns the documents Apollo accepted (they are kept, least recently used dropped, up to MAX_DOCUMENTS). */
  readonly plugin: ApolloServerPlugin<Context> = {
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document, operation }) => {
        if (!operation || typeof request.query !== 'string' || request.http?.method !== 'POST' || request.extensions) return;
        this.remember(keyOf(request.query, request.operationName), {
          document,
          operationName: request.operationName ?? undefined,
          label: operationLabel(operation),
          readOnly: operation.operation === 'query',
          jit: jitSafe(operation),
        });
      },
    }),
  };

  /** Apollo answered a request with this Accept header (absent: undefined) in this content type. */
  learnContentType(accept: string | undefined, contentType: string | undefined): void {
    if (!contentType || this.contentTypes.size >= MAX_ACCEPT_HEADERS) return;
    this.contentTypes.set(accept ?? '', contentType);
  }

  /**
   * The answer to a request whose document Apollo has accepted before, or
   * null when Apollo must answer it (unknown document or Accept header,
   * variables that do not coerce). `body` is the parsed JSON body.
   */
  async answer(body: unknown, accept: string | undefined, context: () => Promise<Context>): Promise<PreparedAnswer | null> {
    const request = eligible(body);
    if (!request) return null;
    const contentType = this.contentTypes.get(accept ?? '');
    if (contentType === undefined) return null;
    const key = keyOf(request.query, request.operationName);
    const prepared = this.documents.get(key);
    if (!prepared) return null;
    this.remember(key, prepared);
    if (prepared.jit && prepared.compiled === undefined) prepared.compiled = this.compile(prepared);
    const compiled = prepared.compiled;
    const contextValue = await context();
    contextValue.request.operation = prepared.label;
    contextValue.request.readOnly = prepared.readOnly;
    const result = await (compiled
      ? compiled.query(undefined, contextValue, request.variables)
      : execute({ schema: this.schema, document: prepared.document, contextValue, variableValues: request.variables, operationName: prepared.operationName }));
    // No data at all: the variables did not coerce and nothing ran.
    if (result.data === undefined) return null;
    this.answered.inc();
    return { contentType, body: this.serialise(result) };
  }

  /** Null (graphql-js runs it instead) for a document graphql-jit cannot compile. */
  private compile(prepared: Prepared): CompiledQuery | null {
    try {
      const compiled = compileQuery(this.schema, prepared.document, prepared.operationName);
      return isCompiledQuery(compiled) ? compiled : null;
    } catch {
      return null;
    }
  }

  private remember(key: string, prepared: Prepared): void {
    this.documents.delete(key);
    this.documents.set(key, prepared);
    if (this.documents.size > MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value as string);
  }

  /** As Apollo's answer: errors first, each with a code, through formatError; a newline at the end. */
  private serialise(result: ExecutionResult): string {
    const errors = result.errors?.map((error) => {
      try {
        return this.formatError(withCode(error), error);
      } catch (err) {
        this.log(err);
        return { message: ERROR_CODES.INTERNAL_SERVER_ERROR, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
    });
    return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
  }
}

/**
 * graphql-jit runs a mutation's root fields on after a non-null one failed,
 * where graphql-js (and the spec) stop: a document of a hundred aliased
 * logins would buy a hundred password guesses instead of one
 * (test/security/throttling.test.ts). So it runs queries, and mutations of
 * a single root field, where the two cannot differ; graphql-js runs the rest.
 */
function jitSafe(operation: OperationDefinitionNode): boolean {
  if (operation.operation === 'query') return true;
  const roots = operation.selectionSet.selections;
  return operation.operation === 'mutation' && roots.length === 1 && roots[0].kind === Kind.FIELD;
}

/** The request, when it is a plain POST body this path may answer; null sends it to Apollo. */
function eligible(body: unknown): PreparedRequest | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  // `extensions: null` is what Apollo reads as none; any other extra member (extensions, a persisted-query hash) is Apollo's to judge.
  for (const key in rest) if (key !== 'extensions' || rest[key] !== null) return null;
  if (typeof query !== 'string') return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  return {
    query,
    operationName: operationName ?? undefined,
    variables: (variables ?? {}) as Record<string, unknown>,
  };
}

/** Apollo's enrichError without the parts this server never uses (stack traces, `extensions.http`). */
function withCode(error: GraphQLError): GraphQLFormattedError {
  // graphql-jit leaves `extensions` undefined on an error it wrapped (a resolver's plain Error).
  const extensions = { ...error.extensions, code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' };
  return { ...error.toJSON(), extensions };
}
