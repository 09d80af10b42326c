// A server that is killed and restarted while clients keep calling it: the
// clients ask `url()` before each call and wait while it is down, as an app
// would retry against a load balancer's name.
import { type FaultServer, startServer } from './server';

export class Restartable {
  server: FaultServer | null = null;
  readonly startTimes: number[] = [];
  private waiting: Array<(url: string) => void> = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<FaultServer> {
    const s = await startServer(this.env);
    this.server = s;
    this.startTimes.push(s.startMs);
    for (const w of this.waiting.splice(0)) w(s.url);
    return s;
  }

  /** The live server's URL, or the next one's once it is listening. */
  url(): Promise<string> | string {
    if (this.server) return this.server.url;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async kill(): Promise<void> {
    const s = this.server;
    this.server = null;
    await s?.kill();
  }

  async stop(): Promise<number | null> {
    const s = this.server;
    this.server = null;
    return (await s?.stop()) ?? null;
  }
}

/** Register `count` accounts, a few at a time (each one hashes a password). */
export async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)))));
  }
  return out;
}
