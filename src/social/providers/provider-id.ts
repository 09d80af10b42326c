// The providers authql signs in with. Stored lower-case ('kakao') in a plain
// string column rather than a database enum or check constraint, so adding a
// provider later needs no migration. (GraphQL's SocialProvider enum is
// registered in graphql/enums.ts.)

export enum SocialProvider {
  KAKAO = 'kakao',
  FACEBOOK = 'facebook',
  GOOGLE = 'google',
  APPLE = 'apple',
  NAVER = 'naver',
  LINE = 'line',
}

export const SOCIAL_PROVIDERS: readonly SocialProvider[] = Object.values(SocialProvider);

/** `kakao`, `KAKAO` or `Kakao` → SocialProvider.KAKAO; null for anything else. */
export function parseProvider(raw: string): SocialProvider | null {
  const v = raw.trim().toLowerCase();
  return SOCIAL_PROVIDERS.find((p) => p === v) ?? null;
}
