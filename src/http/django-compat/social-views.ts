// allauth social login through rest-auth's SocialLoginView: one path per
// provider (`/rest-auth/kakao/`, …, for every provider authql has), taking
// the SDK's `access_token` or `id_token` (dj-rest-auth's field; Apple apps
// send both, the access_token being the authorization code, so an id_token
// wins). The check that the token was issued to our app, the linking policy
// and the throttle are the same social sign-in GraphQL's socialLogin runs.
// `code` alone cannot be used: the REST view passes no authorization code on
// (GraphQL socialLogin takes Apple's as authorizationCode).
import type { AppError } from '../../errors';
import type { SocialProvider } from '../../social/providers/provider-id';
import { PROVIDERS } from '../../social/providers/registry';
import { nonFieldError, ok } from './answers';
import type { ErrorStyle } from './errors';
import { readFields } from './fields';
import type { Route, View } from './route';
import { jwtLogin } from './shapes';

const OPTIONAL = { required: false, allowBlank: true } as const;

const login =
  (provider: SocialProvider): View =>
  async ({ data, services, ctx }) => {
    const f = readFields(data, { access_token: OPTIONAL, id_token: OPTIONAL, code: OPTIONAL, nonce: OPTIONAL });
    const nonce = f.nonce || null;
    const token = f.id_token ? { idToken: f.id_token, nonce } : f.access_token ? { accessToken: f.access_token, nonce } : null;
    if (!token) {
      throw nonFieldError(
        f.code
          ? 'authql exchanges no authorization codes: send the access_token or id_token the provider SDK gave the app.'
          : 'Incorrect input. access_token or code is required.',
        'BAD_USER_INPUT',
      );
    }
    const { issued } = await services.signIn.social.signIn(ctx.em, provider, token, ctx.client);
    return ok(jwtLogin(issued));
  };

/** rest-auth's texts: a provider that refused is "Incorrect value"; a new identity whose email has an account is its own case. */
const SOCIAL_TEXTS: ErrorStyle = {
  fields: { accessToken: 'access_token', idToken: 'id_token' },
  message: (err: AppError) => {
    if (err.code === 'SOCIAL_AUTH_FAILED')
      return err.extensions.reason === 'EMAIL_CONFLICT' ? 'User is already registered with this e-mail address.' : 'Incorrect value';
    if (err.code === 'INVALID_CREDENTIALS') return 'User account is disabled.';
    return undefined;
  },
};

export const socialRoutes = (): readonly Route[] =>
  PROVIDERS.map(({ id }) => ({ name: `rest-auth-${id}`, paths: [`/rest-auth/${id}/`], views: { POST: login(id) }, errors: SOCIAL_TEXTS }));
