import { MaxLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { SocialTokenArgs } from './social-token.args';

/** Linking is a sensitive change: the provider token plus a confirmation of identity (see auth/reauth.ts). */
@ArgsType()
export class ConnectSocialArgs extends SocialTokenArgs {
  @Field(() => String, {
    nullable: true,
    description: 'The current password. Accounts without one leave it out and must have signed in (not refreshed) within the last 10 minutes.',
  })
  @MaxLength(256)
  password?: string | null;
}
