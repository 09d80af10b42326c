// Passkey ceremonies over the API with a SoftAuthenticator standing in for
// the browser: options from the server, the authenticator's answer back.
import { AUTH_FIELDS } from './operations';
import type { GqlResult, TestServer } from './server';
import type { Override, SoftAuthenticator } from './soft-authenticator';

export const PASSKEY_FIELDS = 'id name createdAt lastUsedAt';
export const REGISTRATION_OPTIONS = 'mutation($password: String) { passkeyRegistrationOptions(password: $password) }';
export const REGISTER_PASSKEY = `mutation($response: JSON!, $name: String) { registerPasskey(response: $response, name: $name) { ${PASSKEY_FIELDS} } }`;
export const DELETE_PASSKEY = 'mutation($id: ID!, $password: String) { deletePasskey(id: $id, password: $password) }';
export const SIGN_IN_OPTIONS = 'mutation($username: String) { passkeySignInOptions(username: $username) { challengeId options } }';
export const SIGN_IN_WITH_PASSKEY = `mutation($challengeId: String!, $response: JSON!) { signInWithPasskey(challengeId: $challengeId, response: $response) { ${AUTH_FIELDS} } }`;

/** Asks for registration options (as `token`'s user) and answers them with `authenticator`; the registerPasskey result. */
export async function addPasskey(
  server: TestServer,
  authenticator: SoftAuthenticator,
  who: { token: string; password: string },
  opts: { name?: string; over?: Override } = {},
): Promise<GqlResult> {
  const options = await server.gql(REGISTRATION_OPTIONS, { password: who.password }, { token: who.token });
  if (options.errors) throw new Error(`passkeyRegistrationOptions failed: ${JSON.stringify(options.errors)}`);
  const response = authenticator.create(options.data.passkeyRegistrationOptions, opts.over);
  return server.gql(REGISTER_PASSKEY, { response, name: opts.name }, { token: who.token });
}

/** Options (with or without a username), the authenticator's assertion, signInWithPasskey; its result and what was sent. */
export async function passkeySignIn(server: TestServer, authenticator: SoftAuthenticator, opts: { username?: string; over?: Override } = {}) {
  const options = await server.gql(SIGN_IN_OPTIONS, { username: opts.username });
  if (options.errors) throw new Error(`passkeySignInOptions failed: ${JSON.stringify(options.errors)}`);
  const { challengeId, options: requestOptions } = options.data.passkeySignInOptions;
  const response = authenticator.get(requestOptions, opts.over);
  const result = await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId, response });
  return { result, challengeId, response, requestOptions };
}
