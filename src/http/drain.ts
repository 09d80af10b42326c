// Graceful close of the HTTP server: every request it has begun reading is
// answered before its connection closes. Apollo's drain plugin ended
// (half-closed) every connection with no request yet; Node keeps reading
// such a socket, so a request arriving an instant later was carried out
// (a registration stored) and its answer could not be sent. Here a
// connection is only ever destroyed while it holds no request: what it
// sends after that is never read, so a client that sees the reset can
// safely retry.
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long an accepted connection with no request yet may take to send one once shutdown begins. */
export const FIRST_REQUEST_GRACE_MS = 1000;

export interface DrainResult {
  /** Connections closed because they had sent no request within FIRST_REQUEST_GRACE_MS. */
  silent: number;
  /** Connections cut at `graceMs` with a request still unanswered. */
  cut: number;
}

export interface Drain {
  /** Stops listening, answers what is in progress (with `connection: close`), then closes; destroys everything left at `graceMs`. */
  close(graceMs: number): Promise<DrainResult>;
}

export function drainOnClose(server: Server): Drain {
  // Requests in progress per open connection.
  const sockets = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
  });
  // Prepended, so it runs before the handler can write headers.
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    responses.add(res);
    if (closing) res.shouldKeepAlive = false;
    res.once('close', () => {
      responses.delete(res);
      if (sockets.has(socket)) sockets.set(socket, (sockets.get(socket) ?? 1) - 1);
      // A keep-alive answer sent before shutdown began: Node closes the connection once it is idle.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const result: DrainResult = { silent: 0, cut: 0 };
  const destroyWhere = (idle: boolean) => {
    for (const [socket, n] of sockets) {
      if (idle && n > 0) continue;
      if (n === 0) result.silent += 1;
      else result.cut += 1;
      socket.destroy();
    }
  };
  return {
    async close(graceMs) {
      closing = true;
      for (const res of responses) if (!res.headersSent) res.shouldKeepAlive = false;
      // Stops listening (connections still in the kernel's accept queue are reset: never read) and
      // closes idle keep-alive connections; resolves once every connection is gone.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const fresh = setTimeout(() => destroyWhere(true), Math.min(FIRST_REQUEST_GRACE_MS, graceMs));
      const hard = setTimeout(() => destroyWhere(false), graceMs);
      await closed;
      clearTimeout(fresh);
      clearTimeout(hard);
      return result;
    },
  };
}
