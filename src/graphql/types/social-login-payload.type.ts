import { Field, ObjectType } from 'type-graphql';
import { SocialAccount } from '../../entities';
import { AuthPayload } from './auth-payload.type';

@ObjectType()
export class SocialLoginPayload extends AuthPayload {
  @Field(() => SocialAccount)
  socialAccount!: SocialAccount;

  @Field({ description: 'True when this sign-in created the user.' })
  isNewUser!: boolean;
}
