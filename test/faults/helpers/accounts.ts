// Accounts for a scenario's clients, and the steps of a mixed client load.
import { GOOD_PASSWORD } from '../../helpers/fixtures';
import { REFRESH, REGISTER, VERIFY } from '../../helpers/operations';
import { inBatches } from './fleet';
import { call, type Outcome } from './http';

export interface Account {
  name: string;
  refresh: string;
  access: string;
}

/** A query that needs a valid access token (`me` is public: null for a dead token). */
export const PROTECTED = '{ users(first: 1) { totalCount } }';

export async function registerAccounts(url: string, prefix: string, count: number): Promise<Account[]> {
  return inBatches(count, 4, async (i) => {
    const name = `${prefix}${i}`;
    const o = await call(url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
    if (o.kind !== 'ok') throw new Error(`register ${name}: ${JSON.stringify(o)}`);
    return { name, refresh: o.data.register.refreshToken, access: o.data.register.token };
  });
}

/**
 * One step of a client: a refresh (a write), a protected read, or a token
 * check, in turn. A failed refresh keeps the pair the client had: it retries
 * with it, as an app does.
 */
export async function mixedStep(url: string, a: Account, n: number, fresh = false): Promise<Outcome> {
  switch (n % 3) {
    case 0: {
      const o = await call(url, REFRESH, { refreshToken: a.refresh }, { fresh });
      if (o.kind === 'ok') {
        a.refresh = o.data.refreshToken.refreshToken;
        a.access = o.data.refreshToken.token;
      }
      return o;
    }
    case 1:
      return call(url, PROTECTED, {}, { token: a.access, fresh });
    default:
      return call(url, VERIFY, { token: a.access }, { fresh });
  }
}
