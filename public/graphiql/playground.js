// authql's GraphiQL playground: GraphiQL (from its UMD build, served by authql
// itself) plus a sign-in bar. Signing in (or pasting a token) puts
// `Authorization: JWT <token>` on every request GraphiQL sends; an access
// token that has expired, or is about to, is refreshed once with
// `refreshToken` (concurrent requests share that one refresh) and the request
// retried; a refresh the server refuses signs out. The tokens live in
// sessionStorage: this tab only, gone when it closes. Plain ES2020, no build.
(() => {
  'use strict';
  const endpoint = document.body.dataset.endpoint || '/graphql';
  const STORE = 'authql.playground.session';
  const REFRESH_MARGIN_S = 5;
  const $ = (id) => document.getElementById(id);

  let session = load();
  let refreshing = null;
  let refreshCount = 0;

  function load() {
    try {
      return JSON.parse(sessionStorage.getItem(STORE) || 'null');
    } catch {
      return null;
    }
  }

  function save(next) {
    session = next;
    if (next) sessionStorage.setItem(STORE, JSON.stringify(next));
    else sessionStorage.removeItem(STORE);
    render();
  }

  /** The JWT's claims, or null when it is not a JWT (only read for display and expiry). */
  function claims(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (ch) => ch.charCodeAt(0))));
    } catch {
      return null;
    }
  }

  function fromPayload(token, refreshToken) {
    const c = claims(token) || {};
    return { token, refreshToken: refreshToken || null, username: c.username || c.sub || 'unknown', exp: typeof c.exp === 'number' ? c.exp : null };
  }

  function message(text, ok) {
    const el = $('auth-message');
    el.textContent = text || '';
    el.className = ok ? 'ok' : '';
  }

  /** The server's message is written for people; the code is for programs. */
  function describe(error) {
    const retry = error.extensions?.retryAfter;
    return `${error.message}${retry ? ` (try again in ${retry} s)` : ''}`;
  }

  /** A GraphQL call of our own (sign-in, refresh, sign-out), outside GraphiQL's editor. */
  async function call(query, variables) {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return res.json();
  }

  const TOKENS = 'token refreshToken payload { username exp }';

  async function signIn(username, password) {
    const r = await call(`mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { ${TOKENS} } }`, { u: username, p: password });
    if (r.errors) return message(`Sign-in failed: ${describe(r.errors[0])}`);
    const { token, refreshToken, payload } = r.data.login;
    if (!token) return message('Signed in with cookies (JWT_HIDE_TOKEN_FIELDS): the browser sends them by itself.', true);
    save({ token, refreshToken, username: payload.username, exp: payload.exp });
    message('');
  }

  // Passkeys: the server's options JSON in, credential.toJSON() out (WebAuthn L3's JSON helpers).
  const webauthn = () => typeof PublicKeyCredential !== 'undefined' && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
  // An IP address is never a WebAuthn RP ID; in development the RP ID is localhost.
  const ipHost = () => /^[\d.]+$|^\[/.test(location.hostname);
  const unusable = () => {
    if (!webauthn()) return 'This browser cannot use passkeys here (no WebAuthn JSON support).';
    if (ipHost()) return `Passkeys need a domain name: open http://localhost:${location.port}${location.pathname} instead.`;
    return null;
  };

  async function passkeySignIn(username) {
    if (unusable()) return message(unusable());
    const o = await call('mutation ($u: String) { passkeySignInOptions(username: $u) { challengeId options } }', { u: username || null });
    if (o.errors) return message(`Passkey sign-in failed: ${describe(o.errors[0])}`);
    const { challengeId, options } = o.data.passkeySignInOptions;
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    const r = await call(`mutation ($c: String!, $r: JSON!) { signInWithPasskey(challengeId: $c, response: $r) { ${TOKENS} } }`, {
      c: challengeId,
      r: credential.toJSON(),
    });
    if (r.errors) return message(`Passkey sign-in failed: ${describe(r.errors[0])}`);
    const { token, refreshToken, payload } = r.data.signInWithPasskey;
    if (!token) return message('Signed in with cookies (JWT_HIDE_TOKEN_FIELDS): the browser sends them by itself.', true);
    save({ token, refreshToken, username: payload.username, exp: payload.exp });
    message('Signed in with a passkey.', true);
  }

  async function addPasskey(password) {
    if (unusable()) return message(unusable());
    const own = (query, variables) =>
      authFetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((res) =>
        res.json(),
      );
    const o = await own('mutation ($p: String) { passkeyRegistrationOptions(password: $p) }', { p: password || null });
    if (o.errors) return message(`Adding a passkey failed: ${describe(o.errors[0])}`);
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(o.data.passkeyRegistrationOptions) });
    const r = await own('mutation ($r: JSON!, $n: String) { registerPasskey(response: $r, name: $n) { id name } }', {
      r: credential.toJSON(),
      n: `Playground (${navigator.platform || 'browser'})`,
    });
    if (r.errors) return message(`Adding a passkey failed: ${describe(r.errors[0])}`);
    message(`Passkey "${r.data.registerPasskey.name}" added.`, true);
  }

  /** One refresh at a time: every request that needs one waits for the same call. */
  function refresh() {
    if (!session?.refreshToken) return Promise.resolve(false);
    refreshing ??= (async () => {
      try {
        const r = await call(`mutation ($r: String!) { refreshToken(refreshToken: $r) { ${TOKENS} } }`, { r: session.refreshToken });
        if (r.errors) {
          save(null);
          message(`Signed out: ${describe(r.errors[0])} Sign in again.`);
          return false;
        }
        const { token, refreshToken, payload } = r.data.refreshToken;
        refreshCount += 1;
        save({ token, refreshToken, username: payload.username, exp: payload.exp });
        return true;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function signOut() {
    const old = session;
    save(null);
    message('Signed out.', true);
    if (old?.refreshToken) await call('mutation ($r: String) { logout(refreshToken: $r) }', { r: old.refreshToken }).catch(() => undefined);
  }

  const expiring = () => session && session.exp !== null && session.exp - Date.now() / 1000 < REFRESH_MARGIN_S;

  /** GraphiQL's fetch: adds the token, refreshes when it has expired, retries once. */
  async function authFetch(url, init) {
    if (expiring() && session.refreshToken) await refresh();
    const send = () => {
      const headers = new Headers(init?.headers);
      // A header typed into GraphiQL's own header editor wins.
      if (session && !headers.has('authorization')) headers.set('authorization', `JWT ${session.token}`);
      return fetch(url, { ...init, headers });
    };
    const res = await send();
    if (!session?.refreshToken || !(res.headers.get('content-type') || '').includes('json')) return res;
    const body = await res
      .clone()
      .json()
      .catch(() => null);
    const expired =
      body &&
      Array.isArray(body.errors) &&
      body.errors.some((e) => e.extensions && e.extensions.code === 'UNAUTHENTICATED' && e.extensions.reason === 'TOKEN_EXPIRED');
    return expired && (await refresh()) ? send() : res;
  }

  function render() {
    const signedIn = !!session;
    $('sign-in').hidden = signedIn || !$('paste-token').hidden;
    $('signed-in').hidden = !signedIn;
    if (signedIn) $('who').textContent = session.username;
    if (signedIn) $('paste-token').hidden = true;
    $('refreshes').textContent = refreshCount ? `· refreshed ${refreshCount}×` : '';
    $('refreshes').dataset.count = String(refreshCount);
    tick();
  }

  function tick() {
    if (!session) return;
    if (session.exp === null) {
      $('expiry').textContent = '· no expiry in token';
      return;
    }
    const left = Math.round(session.exp - Date.now() / 1000);
    const canRefresh = session.refreshToken ? ' (refreshes on the next request)' : ' (paste a new one)';
    $('expiry').textContent = left > 0 ? `· token expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : `· token expired${canRefresh}`;
  }

  $('sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn($('username').value, $('password').value).catch((err) => message(`Sign-in failed: ${err.message}`));
    $('password').value = '';
  });
  $('paste-token').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('access-token').value.trim();
    if (!claims(token)) return message('That does not look like a JWT.');
    save(fromPayload(token, $('refresh-token').value.trim()));
    $('access-token').value = $('refresh-token').value = '';
    message('');
  });
  $('show-paste').addEventListener('click', () => {
    $('paste-token').hidden = false;
    render();
  });
  $('hide-paste').addEventListener('click', () => {
    $('paste-token').hidden = true;
    render();
  });
  $('sign-out').addEventListener('click', () => void signOut());
  // A browser refusal (NotAllowedError: cancelled, timed out, no passkey) is shown by name.
  const failed = (what) => (err) => message(`${what} failed: ${err.name || 'Error'}${err.message ? ` (${err.message})` : ''}`);
  $('passkey-sign-in').addEventListener('click', () => {
    passkeySignIn($('username').value.trim()).catch(failed('Passkey sign-in'));
  });
  $('add-passkey').addEventListener('click', () => {
    addPasskey($('passkey-password').value).catch(failed('Adding a passkey'));
    $('passkey-password').value = '';
  });
  setInterval(tick, 1000);
  render();

  const params = new URLSearchParams(location.search);
  const fetcher = GraphiQL.createFetcher({ url: endpoint, fetch: authFetch });
  ReactDOM.createRoot($('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery:
        params.get('query') ||
        '# Sign in above, then run this (Ctrl-Enter).\n{\n  me { id username email }\n  users(first: 10) {\n    totalCount\n    edges { node { id username } }\n  }\n}\n',
      query: params.get('query') || undefined,
      shouldPersistHeaders: false,
    }),
  );
})();
