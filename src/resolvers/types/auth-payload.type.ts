import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../../entities';
import { TokenPayload } from './token-payload.type';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Access JWT; send it as `Authorization: JWT <token>`.' })
  token!: string;

  @Field(() => String, { nullable: true, description: 'Opaque refresh token; null when JWT_ALLOW_REFRESH=false.' })
  refreshToken!: string | null;

  @Field(() => TokenPayload)
  payload!: TokenPayload;

  @Field(() => Int, { nullable: true, description: 'Unix seconds when the refresh token (and the session) stops being usable.' })
  refreshExpiresIn!: number | null;

  @Field(() => User)
  user!: User;
}

@ObjectType()
export class VerifyTokenPayload {
  @Field() token!: string;
  @Field(() => TokenPayload) payload!: TokenPayload;
}
