// Several replicas of the server on one PostgreSQL database and one Redis
// (each of the scenario's own), behind a round-robin HTTP proxy written here
// so every request goes to the next live one (a refresh on one replica, the
// next on another). A request whose replica dies is cut: the client sees no
// answer (a network error) and retries, as behind a real load balancer.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultDatabase, faultDatabase } from './databases';
import { Restartable } from './fleet';
import { freePort, startRedis } from './redis';
import { faultEnv } from './server';

export interface Fleet {
  replicas: Restartable[];
  db: FaultDatabase;
  /** The proxy's GraphQL URL. */
  url: string;
  close(): Promise<void>;
}

/** `count` replicas (the first migrates) on a new PostgreSQL database and a Redis of their own, behind the proxy. */
export async function startFleet(count: number, env: Record<string, string> = {}): Promise<Fleet> {
  const redisPort = await freePort();
  const redis: ChildProcess = await startRedis(redisPort);
  const db = await faultDatabase('postgresql');
  const base = faultEnv(db.url, { REDIS_URL: `redis://127.0.0.1:${redisPort}`, ...env });
  const replicas = Array.from({ length: count }, (_, i) => new Restartable(i === 0 ? base : { ...base, AUTO_MIGRATE: 'false' }));
  await replicas[0].start();
  await Promise.all(replicas.slice(1).map((r) => r.start()));
  const proxy = await roundRobin(replicas);
  return {
    replicas,
    db,
    url: proxy.url,
    async close() {
      await proxy.close();
      for (const r of replicas) await r.kill();
      redis.kill('SIGKILL');
      await db.drop();
    },
  };
}

async function roundRobin(replicas: Restartable[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const live = replicas.filter((r) => r.server);
    const target = live[next++ % Math.max(1, live.length)]?.server;
    if (!target) return res.socket?.destroy();
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const answer = await fetch(target.url, { method: req.method, headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    } catch {
      res.socket?.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
