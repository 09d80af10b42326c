// createApp(config) builds and starts everything: database (with
// migrations), services, schema, Apollo and the HTTP server. Nothing happens
// on import; tests call createApp with port 0 and their own config.

import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type Redis from 'ioredis';
import type pino from 'pino';
import type { Config } from './config';
import { migrate } from './db/migrate';
import { type Orm, openOrm } from './db/orm';
import { createFormatError } from './errors';
import type { Context } from './graphql/context';
import { noIntrospection } from './graphql/no-introspection';
import { operationLabelPlugin } from './graphql/operation-plugin';
import { PreparedOperations } from './graphql/prepared-operations';
import { createSchema } from './graphql/schema';
import { drainOnClose } from './http/drain';
import { GRAPHIQL_PATH } from './http/graphiql';
import { listenMetrics, type MetricsListener } from './http/metrics-server';
import { createHttpServer, GRAPHQL_PATH } from './http/server';
import { createLogger } from './logger';
import { createServices, type Services } from './services';
import { Sweeper } from './sessions/cleanup';

export interface App {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** The server's origin, e.g. http://127.0.0.1:4000 */
  origin: string;
  /** Where /metrics is served when METRICS_PORT is set (127.0.0.1 only). */
  metricsUrl?: string;
  orm: Orm;
  services: Services;
  stop(): Promise<void>;
}

export interface AppOverrides {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: pino.DestinationStream;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = createLogger(config, overrides.logDestination);
  if (config.jwt.secretGenerated) {
    logger.warn(`JWT_SECRET_KEY is not set: using a generated development key stored in ${config.dataDir}. Set JWT_SECRET_KEY before deploying.`);
  }
  if (config.isProduction && !config.mail.smtpUrl) {
    logger.warn('SMTP_URL is not set: password-reset and email-verification mails will not be sent. Set SMTP_URL=smtp://user:pass@host:587 (or smtps://).');
  }
  const orm = await openOrm(config.databaseUrl, {
    migrate: false,
    sqliteBusyTimeout: config.sqliteBusyTimeout,
    poolMax: config.databasePoolMax,
    // MikroORM's per-migration chatter is debug; one summary line below is what a person reads.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes MikroORM writes.
    log: (message) => logger.debug({ component: 'orm' }, message.replace(/\u001b\[\d+m/g, '')),
  });
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : null;
  let metricsListener: MetricsListener | null = null;
  try {
    if (config.autoMigrate) {
      const applied = await migrate(orm);
      if (applied.length > 0)
        logger.info({ migrations: applied.map((m) => m.name) }, `applied ${applied.length} database migration${applied.length === 1 ? '' : 's'}`);
    }
    const services = createServices(config, orm, logger, redis);
    if (config.metricsPort !== undefined) metricsListener = await listenMetrics(services, config.metricsPort);
    const schema = await createSchema();
    const formatError = createFormatError((err) => logger.error({ err }, 'resolver failed'));
    const prepared = new PreparedOperations(schema, formatError, services.metrics.preparedAnswers, (err) =>
      logger.error({ err }, 'formatting an error failed'),
    );
    const apollo = new ApolloServer<Context>({
      schema,
      csrfPrevention: true,
      // index.ts owns SIGTERM/SIGINT; Apollo's own handler would race it and re-send the signal.
      stopOnTerminationSignals: false,
      allowBatchedHttpRequests: false,
      // A hash-only request would reach Apollo without the text the query guard costs.
      persistedQueries: false,
      // Apollo's own switch would refuse with a message naming its option; ours names GRAPHQL_INTROSPECTION.
      introspection: true,
      validationRules: config.graphql.introspection ? [] : [noIntrospection],
      includeStacktraceInErrorResponses: false,
      // Production: no "did you mean …?" suggestions that map the schema for an attacker.
      hideSchemaDetailsFromClientErrors: config.isProduction,
      parseOptions: { maxTokens: config.graphql.maxTokens },
      formatError,
      plugins: [
        operationLabelPlugin,
        // Learns the documents Apollo accepted; the HTTP handler answers them again without Apollo.
        prepared.plugin,
        // No cache hints are used (auth answers are never cacheable), and the
        // plugin hooks every field resolution; the handler sends no-store itself.
        ApolloServerPluginCacheControlDisabled(),
        // Apollo's landing page loads from its CDN; browsers are sent to the self-hosted /graphiql instead (http/server.ts).
        ApolloServerPluginLandingPageDisabled(),
      ],
    });
    const httpServer = createHttpServer(services, apollo, schema, prepared);
    // Not Apollo's drain plugin: it cut connections whose request was about to be read (http/drain.ts).
    const drain = drainOnClose(httpServer);
    await apollo.start();
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const sweeper = new Sweeper(orm, config.cleanup, logger, config.audit.retentionDays);
    sweeper.start();
    services.deliveryWorker.start();
    const { port } = httpServer.address() as AddressInfo;
    // Without WEBAUTHN_ORIGINS (development) passkeys answer for http://localhost on this port.
    services.relyingParty.listeningOn(port);
    const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const origin = `http://${host}:${port}`;
    const playground = config.graphql.graphiql ? { playground: origin + GRAPHIQL_PATH } : {};
    logger.info({ url: origin + GRAPHQL_PATH, ...playground, database: orm.config.get('driver')?.name }, 'authql is listening');
    let stopping: Promise<void> | undefined;
    return {
      url: origin + GRAPHQL_PATH,
      origin,
      metricsUrl: metricsListener?.url,
      orm,
      services,
      stop: () =>
        (stopping ??= (async () => {
          // Stop accepting, answer every request begun, and only then stop
          // Apollo (which refuses operations once stopping), then the work the
          // requests started after answering (mail, reset tokens).
          const { silent, cut } = await drain.close(config.shutdownTimeout * 1000);
          if (silent + cut > 0)
            logger.info({ silent, cut }, 'closed connections that sent no request in time (silent) or were still waiting at SHUTDOWN_TIMEOUT (cut)');
          await apollo.stop();
          await metricsListener?.close();
          await sweeper.stop();
          await services.deliveryWorker.stop();
          // An Apple revocation waiting to retry gives up (logged) rather than hold shutdown.
          services.appleTokens.stop();
          await services.background.drain();
          await services.mailer.close();
          await redis?.quit().catch(() => redis.disconnect());
          await orm.close(true);
        })()),
    };
  } catch (err) {
    await metricsListener?.close();
    redis?.disconnect();
    await orm.close(true);
    throw err;
  }
}

/** Fails fast rather than queueing forever: a throttling check must not hang a sign-in. */
function connectRedis(url: string, logger: pino.Logger): Redis {
  // required here: a server without REDIS_URL never loads ioredis.
  const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  return redis;
}
