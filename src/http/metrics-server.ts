// METRICS_PORT: Prometheus metrics on a listener of their own, bound to
// 127.0.0.1 only, so a sidecar or node agent scrapes them while the public
// port has no /metrics at all. METRICS_TOKEN, when set, is checked here too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES } from '../errors';
import type { Services } from '../services';
import { sendError } from './graphql-handler';
import { serveMetrics } from './ops-routes';

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

export async function listenMetrics(services: Services, port: number): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return sendError(res, 404, 'NOT_FOUND', 'Only GET /metrics is served here.');
    serveMetrics(services, req, res).catch((err: unknown) => {
      services.logger.error({ err }, 'metrics failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', ERROR_CODES.INTERNAL_SERVER_ERROR);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  services.logger.info({ url }, 'metrics are served on loopback only');
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
