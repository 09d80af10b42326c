// Routes of the HTTP server: the GraphQL endpoint and health checks.
import type { ApolloServer } from '@apollo/server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Context } from '../context';
import { createContext } from '../context';
import type { Services } from '../services';
import { applyCors } from './cors';
import { GRAPHQL_PATH } from './paths';
import { BodyTooLargeError, handleGraphQL, sendJson } from './graphql-handler';

export { GRAPHQL_PATH } from './paths';

export function createHttpServer(services: Services, apollo: ApolloServer<Context>): Server {
  const { config, logger } = services;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path === GRAPHQL_PATH) {
      if (applyCors(config, req, res)) return;
      const clientIp = req.socket.remoteAddress ?? null;
      let ctx: Context | undefined;
      return handleGraphQL(apollo, req, res, {
        maxBodyBytes: config.graphql.maxBodyBytes,
        context: async () => (ctx ??= createContext(services, req, clientIp)),
        setCookies: () => ctx?.responseCookies ?? [],
      });
    }
    sendJson(res, 404, { error: 'not found', graphql: GRAPHQL_PATH });
  };

  return createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        sendJson(res, 413, { errors: [{ message: 'The request body is too large.', extensions: { code: 'BAD_REQUEST' } }] }, { connection: 'close' });
        return;
      }
      logger.error({ err }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Something went wrong on our side.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
}
