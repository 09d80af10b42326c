import { ArgsType, Field } from 'type-graphql';
import { SocialProvider } from '../../social/providers/provider-id';
import { providersTaking } from '../../social/providers/registry';

/** Exactly one of accessToken and idToken; which ones a provider takes is checked in auth/social-credential.ts. */
@ArgsType()
export class SocialTokenArgs {
  @Field(() => SocialProvider)
  provider!: SocialProvider;

  @Field(() => String, {
    nullable: true,
    description: `${providersTaking('accessToken')}: the access token the provider's SDK gave the app. Never stored or logged.`,
  })
  accessToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `${providersTaking('idToken')} (OpenID Connect): the ID token the provider's SDK gave the app. Usable once.`,
  })
  idToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'With an idToken only: the raw nonce the app generated for this sign-in (Apple: the value whose SHA-256 the app gave Apple). Required when the token carries a nonce.',
  })
  nonce?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Apple only: ASAuthorizationAppleIDCredential.fullName.givenName, which Apple gives the app on the first authorisation only. Names a new user; an existing one is not renamed.',
  })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Apple only: fullName.familyName, as firstName.' })
  lastName?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Apple only: ASAuthorizationAppleIDCredential.authorizationCode (UTF-8). authql exchanges it for Apple's refresh token, stored encrypted, so that deleting or unlinking the account can revoke it. Single use, valid five minutes.",
  })
  authorizationCode?: string | null;
}
