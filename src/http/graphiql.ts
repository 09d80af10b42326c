// GET /graphiql: the GraphiQL playground, served entirely by authql (no CDN):
// React 18's and GraphiQL 3's prebuilt UMD files from node_modules (the last
// majors that ship them), plus the sign-in bar in public/graphiql/. A strict
// Content-Security-Policy lets the page load and call nothing but this server.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { sendError } from './graphql-handler';
import { GRAPHQL_PATH } from './paths';

export const GRAPHIQL_PATH = '/graphiql';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set inline style attributes (positions, sizes); no inline script is allowed.
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Path under /graphiql → where the file is and its type. */
const ASSETS: Record<string, { file: () => string; type: string }> = {
  '': { file: () => publicFile('index.html'), type: 'text/html; charset=utf-8' },
  '/react.js': { file: () => packageFile('react', 'umd/react.production.min.js'), type: JS },
  '/react-dom.js': { file: () => packageFile('react-dom', 'umd/react-dom.production.min.js'), type: JS },
  '/graphiql.js': { file: () => packageFile('graphiql', 'dist/index.umd.js'), type: JS },
  '/graphiql.css': { file: () => packageFile('graphiql', 'dist/style.css'), type: CSS },
  '/playground.js': { file: () => publicFile('playground.js'), type: JS },
  '/playground.css': { file: () => publicFile('playground.css'), type: CSS },
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Returns a handler that answers (and returns true for) every path under /graphiql. */
export function createGraphiqlRoute(): (path: string, req: IncomingMessage, res: ServerResponse) => boolean {
  const cache = new Map<string, Asset>();
  const load = (sub: string): Asset | undefined => {
    const spec = ASSETS[sub];
    if (!spec) return undefined;
    let asset = cache.get(sub);
    if (!asset) {
      let body = readFileSync(spec.file());
      if (sub === '') body = Buffer.from(body.toString('utf8').replace('__GRAPHQL_PATH__', GRAPHQL_PATH));
      asset = { body, type: spec.type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
      cache.set(sub, asset);
    }
    return asset;
  };

  return (path, req, res) => {
    if (path !== GRAPHIQL_PATH && !path.startsWith(`${GRAPHIQL_PATH}/`)) return false;
    const sub = path.slice(GRAPHIQL_PATH.length).replace(/\/$/, '');
    const headers = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'BAD_REQUEST', 'The playground only answers GET.', { ...headers, allow: 'GET, HEAD' });
      return true;
    }
    const asset = load(sub);
    if (!asset) {
      sendError(res, 404, 'NOT_FOUND', 'No such playground asset.', headers);
      return true;
    }
    const common = {
      ...headers,
      etag: asset.etag,
      'cache-control': 'no-cache',
      ...(sub === '' ? { 'content-security-policy': CSP, 'x-frame-options': 'DENY' } : {}),
    };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, common).end();
      return true;
    }
    res.writeHead(200, { ...common, 'content-type': asset.type, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}

/** A browser navigating to a URL (not fetch() or a GraphQL client) asks for HTML first. */
export function opensInBrowser(req: IncomingMessage): boolean {
  return req.method === 'GET' && /^\s*text\/html\b/i.test(req.headers.accept ?? '');
}

/** A file of an installed package (its exports map hides the UMD builds from require.resolve). */
function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** public/graphiql/ at the repository root, found from src/http (tests) or dist/src/http (built). */
function publicFile(name: string): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'public', 'graphiql', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`public/graphiql/${name} not found above ${__dirname}`);
}
