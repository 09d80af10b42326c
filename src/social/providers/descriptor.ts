// What a provider says about itself, so that adding one is one file: its
// name for people, the credentials it takes, the URLs it talks to (each an
// environment variable with a default, which config.ts reads for every
// provider alike), what its SocialApp must hold, and how to build it.
import type { ProviderHttp } from './http';
import type { JwksCache } from './jwks';
import type { CredentialKind, IdentityProvider, ProviderApp } from './provider';
import type { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

export interface EndpointSpec {
  /** The environment variable that overrides it (tests point it at a loopback fake). */
  env: string;
  /** The provider's published URL, without a trailing slash. */
  default: string;
  /** One line for the README's configuration table. */
  description: string;
}

/** The first field of a SocialApp that breaks the provider's rules, and why. */
export interface AppProblem {
  field: 'clientId' | 'extraClientIds' | 'secret' | 'key';
  message: string;
}

/** What a provider is built with. */
export interface ProviderTools {
  http: ProviderHttp;
  /** The configured URL of one of the descriptor's endpoints. */
  endpoint(name: string): string;
  /** This provider's cached ID-token keys, fetched from its `jwks` endpoint. */
  keys(): JwksCache;
  /** One store shared by every provider: an ID token signs in once. */
  replay: ReplayStore;
}

/** `name`: firstName/lastName from the provider's SDK; `authorizationCode`: a code authql exchanges for a refresh token. */
export type SocialExtra = 'name' | 'authorizationCode';

export interface ProviderDescriptor {
  id: SocialProvider;
  /** How the provider is named to a person (errors, mails). */
  displayName: string;
  /** The credentials it takes; the first is the one asked for when none is sent. */
  accepts: readonly CredentialKind[];
  /** What else the app may send with them (Apple: the name it was given once, and an authorization code). */
  extras?: readonly SocialExtra[];
  endpoints: Readonly<Record<string, EndpointSpec>>;
  app: {
    /** Which SocialApp field holds what, for the SocialAppInput description. */
    description: string;
    /** The provider's own rules for its app (trimmed fields), on top of the common ones. */
    check(app: ProviderApp): AppProblem | null;
  };
  create(tools: ProviderTools): IdentityProvider;
}

/** A descriptor's endpoint as a config key: kakao's `api` is `config.social.kakaoApiUrl`. */
export const endpointKey = (id: SocialProvider, name: string): `${string}Url` => `${id}${name.charAt(0).toUpperCase()}${name.slice(1)}Url`;

export const noAppRules = (): AppProblem | null => null;
