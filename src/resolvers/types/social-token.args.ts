import { ArgsType, Field } from 'type-graphql';
import { SocialProvider } from '../../entities/social-provider';

@ArgsType()
export class SocialTokenArgs {
  @Field(() => SocialProvider)
  provider!: SocialProvider;

  @Field({ description: "The access token the provider's SDK gave the app. Never stored or logged." })
  accessToken!: string;
}
