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
}
