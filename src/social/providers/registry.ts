// The provider registry createServices hands to SocialAuthService: one
// instance per provider, each ID-token provider with its own key cache, and
// one replay store shared by all of them.
import type { Config } from '../../config';
import { SocialProvider } from './provider-id';
import { AppleProvider } from './apple';
import { FacebookProvider } from './facebook';
import { GoogleProvider } from './google';
import type { ProviderHttp } from './http';
import { JwksCache } from './jwks';
import { KakaoProvider } from './kakao';
import { NaverProvider } from './naver';
import type { ProviderRegistry } from './provider';
import { MemoryReplayStore, type ReplayStore } from './replay-store';

export function createProviders(social: Config['social'], http: ProviderHttp, replay: ReplayStore = new MemoryReplayStore()): ProviderRegistry {
  const timing = { ttl: social.jwksCacheTtl, minRefetchInterval: social.jwksMinRefetchInterval };
  const keys = (name: string, url: string) => new JwksCache(http, `${name} jwks`, url, timing);
  return {
    [SocialProvider.KAKAO]: new KakaoProvider(http, social.kakaoApiUrl, keys('kakao', social.kakaoJwksUrl), replay),
    [SocialProvider.FACEBOOK]: new FacebookProvider(http, social.facebookGraphUrl),
    [SocialProvider.GOOGLE]: new GoogleProvider(keys('google', social.googleJwksUrl), replay),
    [SocialProvider.APPLE]: new AppleProvider(keys('apple', social.appleJwksUrl), replay),
    [SocialProvider.NAVER]: new NaverProvider(http, social.naverApiUrl),
  };
}
