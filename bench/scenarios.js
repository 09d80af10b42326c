'use strict';
// What the benchmark asks of each server, as specs for bench/request.lua.
// authql gets GraphQL on /graphql; the baseline gets the very same body on
// /<operation> and answers in the same `{ data }` shape; the Django peer gets
// its own REST endpoints for the same work (its verify checks the signature
// only, its refresh does not rotate, and its pages are numbered, with a count).
const { PASSWORD } = require('./seed');
const { DJANGO_PASSWORD } = require('./django');

const QUERIES = {
  verify: 'mutation Verify($t: String!) { verifyToken(token: $t) { payload { sub username exp } } }',
  users:
    'query Users($after: String) { users(first: 20, after: $after) { edges { cursor node { id username email firstName lastName dateJoined } } pageInfo { hasNextPage endCursor } } }',
  refresh: 'mutation Refresh($r: String!) { refreshToken(refreshToken: $r) { token refreshToken payload { exp } user { id username } } }',
  login: 'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken payload { exp } user { id username } } }',
};
const PAGE = 20;

/** The opaque cursor authql gives the user with this id (src/accounts/user-directory.ts). */
const cursorOf = (id) => Buffer.from(`user:${id}`).toString('base64url');
const json = { 'content-type': 'application/json' };

function graphql(kind, op, variables, { headers, ...rest } = {}) {
  return {
    method: 'POST',
    path: kind === 'authql' ? '/graphql' : `/${op}`,
    headers: { ...json, ...headers },
    body: JSON.stringify({ query: QUERIES[op], variables }),
    ...rest,
  };
}

/** authql and the baseline: the same request bodies. */
function nodeSpecs(kind, ctx) {
  const auth = { authorization: `JWT ${ctx.token}` };
  return {
    verify: () => graphql(kind, 'verify', { t: ctx.token }, { expect: `"sub":"${ctx.userId}"` }),
    usersFirst: () => graphql(kind, 'users', {}, { headers: auth, expect: '"node":{"id":"1"' }),
    usersDeep: () => graphql(kind, 'users', { after: cursorOf(ctx.deepId) }, { headers: auth, expect: `"node":{"id":"${ctx.deepId + 1}"` }),
    refresh: (tokens) => graphql(kind, 'refresh', { r: '__TOKEN__' }, { tokens, successor: '"refreshToken":"([^"]+)"', expect: '"refreshToken":"' }),
    login: () => graphql(kind, 'login', { u: '__USER__', p: PASSWORD }, { users: ctx.users, expect: '"token":"' }),
  };
}

function djangoSpecs(ctx) {
  const auth = { authorization: `Bearer ${ctx.django.access}` };
  const post = (urlPath, body, expect) => ({ method: 'POST', path: urlPath, headers: json, body: JSON.stringify(body), expect });
  const page = (n, firstId) => ({
    method: 'GET',
    path: `/users/?page=${n}`,
    headers: auth,
    body: '',
    expect: `"username":"user${String(firstId).padStart(6, '0')}"`,
  });
  return {
    verify: () => post('/api-jwt-auth/verify/', { token: ctx.django.access }, '{}'),
    usersFirst: () => page(1, 1),
    usersDeep: () => page(ctx.deepId / PAGE + 1, ctx.deepId + 1),
    refresh: () => post('/api-jwt-auth/refresh/', { refresh: ctx.django.refresh }, '"access":"'),
    login: () => ({ ...post('/api-jwt-auth/', { username: '__USER__', password: DJANGO_PASSWORD }, '"access":"'), users: ctx.users }),
  };
}

/**
 * The scenarios in the order they run. `spec(kind, tokens)` gives the request
 * for one server; `storm` runs alongside the measurement; `fresh` marks the
 * specs that consume refresh tokens (each measurement gets its own).
 */
function scenarios(ctx, knobs) {
  const specs = { authql: nodeSpecs('authql', ctx), baseline: nodeSpecs('baseline', ctx), django: ctx.django ? djangoSpecs(ctx) : null };
  const pick = (key) => (kind, tokens) => specs[kind][key](tokens);
  return [
    { key: 'verify', label: 'verifyToken', spec: pick('verify') },
    { key: 'usersFirst', label: 'users(first: 20)', spec: pick('usersFirst') },
    { key: 'usersDeep', label: `users deep page (after #${ctx.deepId.toLocaleString('en-US')})`, spec: pick('usersDeep') },
    { key: 'refresh', label: 'refreshToken', spec: pick('refresh'), fresh: true },
    { key: 'login', label: 'login', spec: pick('login'), connections: knobs.loginConnections },
    { key: 'verifyStorm', label: 'verifyToken during login storm', spec: pick('verify'), storm: pick('login') },
  ];
}

module.exports = { scenarios };
