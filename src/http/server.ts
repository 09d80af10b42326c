// The HTTP server: operator routes, the GraphQL endpoint, one structured log
// line and one metrics sample per request.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { ERROR_CODES } from '../errors';
import type { Context } from '../graphql/context';
import { createContext } from '../graphql/context';
import type { PreparedOperations } from '../graphql/prepared-operations';
import type { Services } from '../services';
import { handleAppleNotification } from './apple-notifications';
import { applyCors } from './cors';
import { credentialCookies, readCredentials } from './credentials';
import { type CompatState, createDjangoCompat } from './django-compat';
import { createGraphiqlRoute, GRAPHIQL_PATH, opensInBrowser } from './graphiql';
import { BodyTooLargeError, handleGraphQL, sendError } from './graphql-handler';
import { handleOpsRoute } from './ops-routes';
import { GRAPHQL_PATH } from './paths';
import { createQueryGuard } from './query-limits';

export { GRAPHQL_PATH } from './paths';

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createHttpServer(services: Services, apollo: ApolloServer<Context>, schema: GraphQLSchema, prepared: PreparedOperations): Server {
  const { config, logger, metrics } = services;
  const guard = createQueryGuard(config.graphql, schema);
  const graphiql = config.graphql.graphiql ? createGraphiqlRoute() : null;
  const notFound = `No such path; GraphQL is at ${GRAPHQL_PATH}${graphiql ? ` and the playground at ${GRAPHIQL_PATH}` : ''}.`;
  // DJANGO_COMPAT=true: the REST endpoints of djangorestframework-jwt, rest-auth and DRF (null when off).
  const djangoCompat = createDjangoCompat(services);

  const handler = async (req: IncomingMessage, res: ServerResponse, path: string, state: CompatState): Promise<void> => {
    // Metrics labels name routes, never raw paths: random URLs must not grow the series without bound.
    // Each label is set before its route answers: 'finish' can fire before an await resumes.
    state.operation = `http:${path}`;
    if (await handleOpsRoute(services, path, req, res)) return;
    if (await handleAppleNotification(services, path, req, res)) return;
    state.operation = 'graphiql';
    if (graphiql?.(path, req, res)) return;
    state.operation = undefined;
    if (djangoCompat && path !== GRAPHQL_PATH && (await djangoCompat(req, res, path, state))) return;
    if (path !== GRAPHQL_PATH) {
      state.operation = 'not_found';
      return sendError(res, 404, 'NOT_FOUND', notFound);
    }
    // A person opening the endpoint in a browser wants the playground (a query string opens in its editor).
    if (graphiql && opensInBrowser(req)) {
      res.writeHead(302, { location: GRAPHIQL_PATH + (req.url ?? '').slice(path.length) }).end();
      return;
    }
    if (applyCors(config, req, res)) return;
    // Two Authorization headers are ambiguous (which one did a proxy check?): refuse.
    if ((req.headersDistinct.authorization?.length ?? 0) > 1) {
      return sendError(res, 400, 'BAD_REQUEST', 'Send one Authorization header.');
    }
    const clientIp = services.clientIp(req);
    return handleGraphQL(apollo, req, res, {
      maxBodyBytes: config.graphql.maxBodyBytes,
      context: async () => (state.ctx ??= createContext(services, req, clientIp, readCredentials(req, config))),
      setCookies: () => credentialCookies(state.ctx?.request.credentialChanges ?? [], config),
      guard,
      prepared,
    });
  };

  return createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    const started = process.hrtime.bigint();
    const header = req.headers['x-request-id'];
    const reqId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', reqId);
    const path = (req.url ?? '/').split('?')[0];
    const state: CompatState = {};
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const operation = path === GRAPHQL_PATH ? (state.ctx?.request.operation ?? 'invalid') : (state.operation ?? 'other');
      metrics.requests.inc({ operation, status: String(res.statusCode) });
      metrics.requestDuration.observe({ operation }, seconds);
      logger.info(
        {
          reqId,
          method: req.method,
          path,
          status: res.statusCode,
          operation,
          viewerId: state.ctx?.viewerId() ?? null,
          ip: state.ctx?.client.ip,
          durationMs: Math.round(seconds * 1e4) / 10,
        },
        'request',
      );
    });
    handler(req, res, path, state).catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        sendError(res, 413, 'BAD_REQUEST', 'The request body is too large.', { connection: 'close' });
        return;
      }
      logger.error({ reqId, err }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', ERROR_CODES.INTERNAL_SERVER_ERROR);
      else res.destroy();
    });
  });
}
