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
import { naver } from './naver';
import type { IdentityProvider } from './provider';
import { SOCIAL_PROVIDERS, type SocialProvider } from './provider-id';
import { MemoryReplayStore, type ReplayStore } from './replay-store';

export const PROVIDERS: readonly ProviderDescriptor[] = [kakao, facebook, google, apple, naver];

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
  const found = PROVIDERS.find((d) => d.id === id);
  if (!found) throw new Error(`no provider descriptor for ${id} (add it to PROVIDERS in social/providers/registry.ts)`);
  return found;
}

/** How a stored provider id is named to a person; the id itself for one no longer registered. */
export const displayName = (id: string): string => PROVIDERS.find((d) => d.id === id)?.displayName ?? id;

export function createProviders(settings: ProviderSettings, http: ProviderHttp, replay: ReplayStore = new MemoryReplayStore()): ProviderRegistry {
  const timing: JwksTiming = { ttl: settings.jwksCacheTtl, minRefetchInterval: settings.jwksMinRefetchInterval };
  const entries = SOCIAL_PROVIDERS.map((id) => {
    const descriptor = descriptorOf(id);
    const endpoint = (name: string) => settings[endpointKey(id, name)];
    const keys = () => new JwksCache(http, `${id} jwks`, endpoint('jwks'), timing);
    return [id, { descriptor, provider: descriptor.create({ http, endpoint, keys, replay }) }] as const;
  });
  return Object.fromEntries(entries) as Record<SocialProvider, RegisteredProvider>;
}
