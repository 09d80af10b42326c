// Routes for operators: liveness, readiness, Prometheus metrics (unless
// METRICS_PORT moves them to a loopback listener, metrics-server.ts) and the
// public JWK Set with its discovery document. Returns false when the path is not one of them.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services';
import { discoveryDocument } from './discovery';
import { sendError, sendJson } from './graphql-handler';

export async function handleOpsRoute(services: Services, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  switch (path) {
    case '/healthz':
      sendJson(res, 200, { status: 'ok' });
      return true;
    case '/readyz':
      await readiness(services, res);
      return true;
    case '/metrics':
      if (services.config.metricsPort !== undefined) return false;
      await serveMetrics(services, req, res);
      return true;
    case '/.well-known/jwks.json': {
      const jwks = services.jwt.keys.jwks;
      if (!jwks) sendError(res, 404, 'NOT_FOUND', 'JWT_ALGORITHM is symmetric: there are no public keys.');
      else sendJson(res, 200, jwks, { 'cache-control': 'public, max-age=300' });
      return true;
    }
    case '/.well-known/openid-configuration': {
      const doc = discoveryDocument(services.config.jwt);
      if (!doc) sendError(res, 404, 'NOT_FOUND', 'JWT_ALGORITHM is symmetric: other services cannot verify its tokens, so there is no discovery document.');
      else sendJson(res, 200, doc, { 'cache-control': 'public, max-age=300' });
      return true;
    }
    default:
      return false;
  }
}

async function readiness(services: Services, res: ServerResponse): Promise<void> {
  const checks: Record<string, string> = {};
  const probe = async (name: string, run: () => Promise<unknown>) => {
    try {
      await withTimeout(run(), 2000);
      checks[name] = 'ok';
    } catch (err) {
      checks[name] = 'unavailable';
      services.logger.warn({ check: name, err: err instanceof Error ? err.message : String(err) }, 'readiness check failed');
    }
  };
  const { redis } = services;
  await Promise.all([
    probe('database', () => services.orm.em.fork().getConnection().execute('select 1')),
    ...(redis ? [probe('redis', () => redis.ping())] : []),
  ]);
  const ready = Object.values(checks).every((v) => v === 'ok');
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
}

/** Prometheus text, behind METRICS_TOKEN when one is set (on either listener). */
export async function serveMetrics(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const expected = services.config.metricsToken;
  if (expected) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const want = Buffer.from(expected);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      sendError(res, 401, 'UNAUTHENTICATED', 'Metrics need Authorization: Bearer <METRICS_TOKEN>.', { 'www-authenticate': 'Bearer' });
      return;
    }
  }
  const body = await services.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': services.metrics.registry.contentType });
  res.end(body);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}
