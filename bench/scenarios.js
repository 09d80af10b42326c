'use strict';
// What the benchmark asks of each server, and one autocannon measurement.
// authql gets GraphQL on /graphql; the baseline gets the very same request
// body on /<operation> and answers in the same `{ data }` shape.
const autocannon = require('autocannon');
const { PASSWORD, userName } = require('./seed');

const QUERIES = {
  verify: 'mutation Verify($t: String!) { verifyToken(token: $t) { payload { sub username exp } } }',
  users: 'query Users($after: String) { users(first: 20, after: $after) { edges { cursor node { id username email firstName lastName dateJoined } } pageInfo { hasNextPage endCursor } } }',
  refresh: 'mutation Refresh($r: String!) { refreshToken(refreshToken: $r) { token refreshToken payload { exp } user { id username } } }',
  login: 'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken payload { exp } user { id username } } }',
};

/** encodeCursor of src/resolvers/user.resolver.ts: the opaque cursor of the user with this id. */
const cursorOf = (id) => Buffer.from(`user:${id}`).toString('base64url');

function post(target, op, variables, headers = {}) {
  return {
    method: 'POST',
    path: target.kind === 'authql' ? '/graphql' : `/${op}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: QUERIES[op], variables }),
  };
}

/** A request whose variables change every time; `onData` sees each answer's `data` (undefined on any error). */
function dynamicPost(target, op, nextVariables, onData) {
  return {
    ...post(target, op, {}),
    setupRequest(req) {
      req.body = JSON.stringify({ query: QUERIES[op], variables: nextVariables() });
      return req;
    },
    onResponse(_status, body) {
      let data;
      try {
        data = JSON.parse(body).data ?? undefined;
      } catch {
        /* counted as a failure below */
      }
      onData(data);
    },
  };
}

/**
 * Every refresh token works once, so each answer's successor goes back into
 * the pool the next request draws from (autocannon resets per-connection
 * context between requests, so a shared pool it is); spares cover lost answers.
 */
function refreshRequest(target, pool, stats) {
  return dynamicPost(target, 'refresh', () => ({ r: pool.shift() ?? 'pool-ran-dry.x' }), (data) => {
    const next = data?.refreshToken?.refreshToken;
    if (next) pool.push(next);
    else stats.failed++;
  });
}

function loginRequest(target, users, stats) {
  return dynamicPost(target, 'login', () => ({ u: userName(1 + Math.floor(Math.random() * users)), p: PASSWORD }), (data) => {
    if (!data?.login?.token) stats.failed++;
  });
}

/** The scenarios in the order they run; `expect` checks one answer before a static request is measured. */
function scenarios(ctx, opts) {
  const auth = { authorization: `JWT ${ctx.token}` };
  const verify = (t) => post(t, 'verify', { t: ctx.token });
  const deepId = Math.floor(ctx.users * 0.9);
  return [
    { key: 'verify', label: 'verifyToken', request: verify, expect: (d) => d?.verifyToken?.payload?.sub === ctx.userId },
    { key: 'usersFirst', label: 'users(first: 20)', request: (t) => post(t, 'users', {}, auth), expect: (d) => d?.users?.edges?.[0]?.node?.id === '1' },
    {
      key: 'usersDeep',
      label: `users(first: 20, after: #${deepId})`,
      request: (t) => post(t, 'users', { after: cursorOf(deepId) }, auth),
      expect: (d) => d?.users?.edges?.[0]?.node?.id === String(deepId + 1),
    },
    { key: 'refresh', label: 'refreshToken', request: (t, stats) => refreshRequest(t, ctx.takeRefreshTokens(), stats) },
    { key: 'login', label: 'login', connections: opts.loginConnections, request: (t, stats) => loginRequest(t, ctx.users, stats) },
    { key: 'verifyStorm', label: 'verifyToken during login storm', request: verify, storm: (t, stats) => loginRequest(t, ctx.users, stats) },
  ];
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);

/**
 * One autocannon run after a warmup run; latencies are taken from each answer
 * (sub-ms precision), 2xx only. `cpuMs` reads the server's CPU clock, so the
 * result also says how much server CPU one answer took, which a busy machine
 * disturbs far less than req/s.
 */
async function measure(origin, request, { connections, duration, warmup }, cpuMs) {
  const run = (seconds) => autocannon({ url: origin, connections, duration: seconds, timeout: 10, requests: [request] });
  if (warmup > 0) await run(warmup);
  const latencies = [];
  let non2xx = 0;
  const cpuBefore = cpuMs?.();
  const instance = run(duration);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else non2xx++;
  });
  const result = await instance;
  const cpuUsPerRequest = cpuMs ? ((cpuMs() - cpuBefore) * 1000) / Math.max(1, latencies.length + non2xx) : undefined;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return { rps: latencies.length / result.duration, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), mean, cpuUsPerRequest, requests: latencies.length, non2xx, errors: result.errors };
}

async function smokeCheck(target, request, expect) {
  const res = await fetch(target.origin + request.path, { method: 'POST', headers: request.headers, body: request.body });
  const json = await res.json().catch(() => ({}));
  if (!expect(json.data) || json.errors) throw new Error(`${target.kind} answered ${request.path} unexpectedly: ${JSON.stringify(json).slice(0, 500)}`);
}

/** A failed answer is no throughput (GraphQL errors arrive as 200s). */
const netOf = (r, stats) => ({ ...r, rps: r.rps * (1 - stats.failed / Math.max(1, r.requests)), failed: stats.failed });

/** Runs one scenario against one server; a storm scenario runs its storm alongside. */
async function runScenario(scenario, target, opts) {
  const stats = { failed: 0 };
  const request = scenario.request(target, stats);
  if (scenario.expect) await smokeCheck(target, request, scenario.expect);
  const shape = { connections: scenario.connections ?? opts.connections, duration: opts.duration, warmup: opts.warmup };
  if (!scenario.storm) return netOf(await measure(target.origin, request, shape, target.cpuMs), stats);
  const stormStats = { failed: 0 };
  const stormShape = { connections: opts.loginConnections, duration: opts.duration + opts.warmup + 1, warmup: 0 };
  const storm = measure(target.origin, scenario.storm(target, stormStats), stormShape);
  await new Promise((r) => setTimeout(r, 500)); // let the storm reach full strength first
  const result = await measure(target.origin, request, shape);
  const login = netOf(await storm, stormStats);
  return { ...result, failed: login.failed, stormLoginRps: login.rps };
}

module.exports = { runScenario, scenarios };
