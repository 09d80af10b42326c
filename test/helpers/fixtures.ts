import { REGISTER } from './operations';
import type { TestServer } from './server';

export const GOOD_PASSWORD = 'correct horse battery staple';

let counter = 0;
/** Registers a fresh user over the API and returns the AuthPayload. */
export async function registerUser(server: TestServer, overrides: { username?: string; email?: string; password?: string } = {}) {
  counter += 1;
  const username = overrides.username ?? `user${Date.now().toString(36)}${counter}`;
  const input = { username, email: overrides.email ?? `${username}@example.test`, password: overrides.password ?? GOOD_PASSWORD };
  const res = await server.gql(REGISTER, { input });
  if (res.errors) throw new Error(`register failed: ${JSON.stringify(res.errors)}`);
  return { ...res.data.register, password: input.password, email: input.email } as {
    token: string;
    refreshToken: string;
    refreshExpiresIn: number;
    payload: { sub: string; username: string; iat: number; exp: number; origIat: number };
    user: { id: string; username: string; email: string };
    password: string;
    email: string;
  };
}
