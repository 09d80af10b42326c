// The common part of the fake providers: a real HTTP server on 127.0.0.1,
// port 0, that records every call and can be told to misbehave (hang, 500,
// HTML, broken JSON, reset the connection, redirect, or answer too much).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeMode = 'ok' | 'slow' | 'error500' | 'html' | 'garbage' | 'reset' | 'redirect' | 'huge';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** A form POST's fields (Apple's and LINE's endpoints); empty for a GET. */
  form: Record<string, string>;
}

export interface FakeReply {
  status: number;
  body: unknown;
}

export abstract class FakeProvider {
  url = '';
  readonly calls: RecordedCall[] = [];
  mode: FakeMode = 'ok';
  /** When set, the mode applies only to this path (e.g. the second call of a verification). */
  modePath: string | null = null;
  slowMs = 5000;
  /** Delay before every good answer, in ms: a provider that is slow but works. */
  delayMs = 0;
  redirectTo = 'http://127.0.0.1:9/';
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        path: this.normalisePath(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        form: String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : {},
      };
      this.calls.push(call);
      const misbehave = this.mode !== 'ok' && (this.modePath === null || this.modePath === call.path);
      if (misbehave) this.misbehave(res);
      else if (this.delayMs > 0) setTimeout(() => !res.destroyed && send(res, this.route(call)), this.delayMs).unref();
      else send(res, this.route(call));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  protected abstract route(call: RecordedCall): FakeReply;

  /** Facebook's URLs carry a version (/v19.0/me); the routes do not. */
  protected normalisePath(path: string): string {
    return path;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back to good behaviour with an empty call log. */
  reset(): void {
    this.mode = 'ok';
    this.modePath = null;
    this.delayMs = 0;
    this.calls.length = 0;
  }

  private misbehave(res: ServerResponse): void {
    switch (this.mode) {
      case 'slow':
        setTimeout(() => !res.destroyed && send(res, { status: 200, body: {} }), this.slowMs).unref();
        return;
      case 'error500':
        return send(res, { status: 500, body: { msg: 'internal error', code: -1 } });
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service Temporarily Unavailable</body></html>');
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 12, "app_id": ');
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'redirect':
        res.writeHead(302, { location: this.redirectTo }).end();
        return;
      case 'huge':
        return send(res, { status: 200, body: { id: 1, app_id: 1, padding: 'x'.repeat(2 * 1024 * 1024) } });
    }
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  // An undefined body is an empty one (Apple's /auth/revoke answers so).
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) }).end(text);
}
