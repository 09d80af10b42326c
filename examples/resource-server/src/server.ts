// A small API of your own (plain node:http) that accepts authql's access
// tokens: `Authorization: Bearer <token>` or `JWT <token>`.
//   GET /me      200 { sub, username }, or 401 with a WWW-Authenticate challenge
//   GET /verify  204 with x-user-id, for a gateway's auth_request (see README)
//   GET /healthz 200
// 503 when authql cannot be reached to fetch its keys (the token is not at fault).
//   AUTHQL_ISSUER=http://127.0.0.1:4000 npm start
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createVerifier, IssuerUnavailable, TokenRejected, type Caller } from './verifier.js';

const REALM = 'resource-server';
const BEARER = /^(?:Bearer|JWT) +([A-Za-z0-9_.-]+)$/i;

function options() {
  const { AUTHQL_ISSUER: issuer, AUTHQL_AUDIENCE: audience, JWKS_COOLDOWN_MS: cooldown = '30000', PORT: port = '4100', HOST: host = '127.0.0.1' } = process.env;
  const problems: string[] = [];
  if (!issuer || !URL.canParse(issuer)) problems.push('AUTHQL_ISSUER must be authql\'s JWT_ISSUER, e.g. http://127.0.0.1:4000');
  if (!/^\d+$/.test(cooldown)) problems.push('JWKS_COOLDOWN_MS must be a whole number of milliseconds');
  if (!/^\d+$/.test(port) || Number(port) > 65535) problems.push('PORT must be a port number (0 picks a free one)');
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(2);
  }
  return { verifier: { issuer: issuer!, audience: audience || undefined, cooldownMs: Number(cooldown) }, port: Number(port), host };
}

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

function main(): void {
  const opts = options();
  const verifier = createVerifier(opts.verifier);

  /** The caller, or null once a 401/503 has been sent. */
  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<Caller | null> {
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    // RFC 6750 §3: no credentials, no error code; a bad token says invalid_token.
    if (!token) return send(res, 401, { error: 'unauthorized' }, { 'www-authenticate': `Bearer realm="${REALM}"` }), null;
    try {
      return await verifier.verify(token);
    } catch (err) {
      if (err instanceof TokenRejected) {
        console.error(`401 ${req.url}: ${err.code} (${err.message})`);
        const description = err.code === 'ERR_JWT_EXPIRED' ? 'The access token expired' : 'The access token is not valid here';
        send(res, 401, { error: 'invalid_token', error_description: description }, { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"` });
      } else {
        console.error(`503 ${req.url}: ${err instanceof IssuerUnavailable ? err.message : String(err)}`);
        send(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '5' });
      }
      return null;
    }
  }

  const server = createServer(async (req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    if (route === 'GET /healthz') return send(res, 200, { status: 'ok' });
    if (route !== 'GET /me' && route !== 'GET /verify') return send(res, 404, { error: 'not_found' });
    const caller = await authenticate(req, res);
    if (!caller) return;
    if (route === 'GET /verify') return send(res, 204, undefined, { 'x-user-id': caller.sub });
    send(res, 200, { sub: caller.sub, username: caller.username });
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(`resource server cannot listen on ${opts.host}:${opts.port} (${err.code ?? err.message}): set PORT to a free port`);
    process.exit(1);
  });
  server.listen(opts.port, opts.host, () => {
    const { port } = server.address() as { port: number };
    console.log(`resource server listening on http://${opts.host}:${port}, trusting tokens from ${opts.verifier.issuer}`);
    // Fetch the discovery document now, so a wrong AUTHQL_ISSUER shows at once; requests retry it if it failed.
    verifier.ready().catch((err: Error) => console.error(`authql's discovery document is not available yet: ${err.message}`));
  });
}

main();
