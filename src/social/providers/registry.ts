// Every provider authql signs in with, built from ONE list of descriptors:
// one instance each, each ID-token provider with its own key cache, and one
// replay store shared by all of them. Adding a provider adds a line here.
import { apple } from './apple';
import { endpointKey, type ProviderDescriptor } from './descriptor';
import { facebook } from './facebook';
import { google } from './google';
import type { ProviderHttp } from './http';
import { JwksCache, type JwksTiming } from './jwks';
import { kakao } from './kakao';
import { line } from './line';
import { naver } from './naver';
import type { CredentialKind, IdentityProvider } from './provider';
import { SOCIAL_PROVIDERS, SocialProvider } from './provider-id';
import { MemoryReplayStore, type ReplayStore } from './replay-store';

/** One line per provider; `satisfies` makes a SocialProvider without its descriptor a compile error. */
const BY_ID = {
  [SocialProvider.KAKAO]: kakao,
  [SocialProvider.FACEBOOK]: facebook,
  [SocialProvider.GOOGLE]: google,
  [SocialProvider.APPLE]: apple,
  [SocialProvider.NAVER]: naver,
  [SocialProvider.LINE]: line,
} as const satisfies Record<SocialProvider, ProviderDescriptor>;

/** Every provider, in the order the schema's descriptions list them. */
export const PROVIDERS: readonly ProviderDescriptor[] = Object.values(BY_ID);

export interface RegisteredProvider {
  descriptor: ProviderDescriptor;
  provider: IdentityProvider;
}

export type ProviderRegistry = Readonly<Record<SocialProvider, RegisteredProvider>>;

/** What the registry needs of config.social: every descriptor endpoint under its endpointKey, and the key-cache timing. */
export interface ProviderSettings {
  readonly [endpoint: `${string}Url`]: string;
  readonly jwksCacheTtl: number;
  readonly jwksMinRefetchInterval: number;
}

export function descriptorOf(id: SocialProvider): ProviderDescriptor {
  return BY_ID[id];
}

/** "Kakao, Facebook, Naver": the providers that take a kind of credential, for the schema's descriptions. */
export const providersTaking = (kind: CredentialKind): string =>
  PROVIDERS.filter((p) => p.accepts.includes(kind))
    .map((p) => p.displayName)
    .join(', ');

/** "Kakao: accessToken or idToken; Facebook, Naver: accessToken; …": what each provider takes. */
export function credentialsByProvider(): string {
  const groups = new Map<string, string[]>();
  for (const p of PROVIDERS) {
    const kinds = p.accepts.join(' or ');
    groups.set(kinds, [...(groups.get(kinds) ?? []), p.displayName]);
  }
  return [...groups].map(([kinds, names]) => `${names.join(', ')}: ${kinds}`).join('; ');
}

/** How a stored provider id is named to a person; the id itself for one no longer registered. */
export const displayName = (id: string): string => PROVIDERS.find((d) => d.id === id)?.displayName ?? id;

export function createProviders(settings: ProviderSettings, http: ProviderHttp, replay: ReplayStore = new MemoryReplayStore()): ProviderRegistry {
  const timing: JwksTiming = { ttl: settings.jwksCacheTtl, minRefetchInterval: settings.jwksMinRefetchInterval };
  const entries = SOCIAL_PROVIDERS.map((id) => {
    const descriptor = descriptorOf(id);
    if (descriptor.id !== id) throw new Error(`the descriptor registered for ${id} says it is ${descriptor.id}`);
    const endpoint = (name: string) => settings[endpointKey(id, name)];
    const keys = () => new JwksCache(http, `${id} jwks`, endpoint('jwks'), timing);
    return [id, { descriptor, provider: descriptor.create({ http, endpoint, keys, replay }) }] as const;
  });
  return Object.fromEntries(entries) as Record<SocialProvider, RegisteredProvider>;
}
