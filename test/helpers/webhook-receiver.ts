// A webhook receiver on 127.0.0.1 that checks every request with the
// `standardwebhooks` package (the reference library receivers use, not our
// code). It can be told to fail its first N requests; it records each
// verified event and which of them it accepted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  /** Set once the signing secret is known (createWebhook's answer). */
  secret: string | null;
  /** Requests whose signature verified, in arrival order. */
  received: Received[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** Answer 500 to this many more verified requests. */
  failNext: number;
  /** Never answer this many more verified requests (a receiver that hangs). */
  hangNext: number;
  accepted(): Received[];
  waitFor(check: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let server: Server;
  const receiver: Receiver = {
    url: '',
    secret: null,
    received: [],
    rejected: 0,
    failNext: 0,
    hangNext: 0,
    accepted: () => receiver.received.filter((r) => r.status >= 200 && r.status < 300),
    async waitFor(check, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!check(receiver)) {
        if (Date.now() > until) throw new Error(`receiver: condition not met; got ${JSON.stringify(receiver.received.map((r) => [r.type, r.status]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        if (!receiver.secret) throw new Error('no secret yet');
        const payload = new Webhook(receiver.secret).verify(body, req.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
        if (receiver.hangNext > 0) {
          receiver.hangNext -= 1;
          receiver.received.push({ id: String(req.headers['webhook-id']), type: payload.type, data: payload.data, body, status: 0 });
          return;
        }
        const status = receiver.failNext > 0 ? 500 : 204;
        if (status === 500) receiver.failNext -= 1;
        receiver.received.push({ id: String(req.headers['webhook-id']), type: payload.type, data: payload.data, body, status });
        res.writeHead(status).end();
      } catch {
        receiver.rejected += 1;
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

export const CREATE_WEBHOOK = `mutation($i: WebhookInput!) { createWebhook(input: $i) { secret webhook { id url events enabled failing } } }`;
