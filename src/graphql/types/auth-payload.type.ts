import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../../entities';
import { TokenPayload } from './token-payload.type';

@ObjectType({ simpleResolvers: true })
export class AuthPayload {
  @Field(() => String, {
    nullable: true,
    description: 'Access JWT; send it as `Authorization: JWT <token>`. Null only when JWT_HIDE_TOKEN_FIELDS=true (cookie mode).',
  })
  token!: string | null;

  @Field(() => String, { nullable: true, description: 'Opaque refresh token; null when JWT_ALLOW_REFRESH=false or JWT_HIDE_TOKEN_FIELDS=true.' })
  refreshToken!: string | null;

  @Field(() => TokenPayload)
  payload!: TokenPayload;

  @Field(() => Int, { nullable: true, description: 'Unix seconds when the refresh token (and the session) stops being usable.' })
  refreshExpiresIn!: number | null;

  @Field(() => User)
  user!: User;
}

@ObjectType({ simpleResolvers: true })
export class VerifyTokenPayload {
  @Field() token!: string;
  @Field(() => TokenPayload) payload!: TokenPayload;
}

/**
 * What register answers. The same fields as AuthPayload, but the token fields
 * are null when ACCOUNT_EMAIL_VERIFICATION=mandatory: then the account must be
 * confirmed by email before it can sign in (`emailVerificationRequired`).
 */
@ObjectType({ simpleResolvers: true })
export class RegisterPayload {
  @Field(() => String, { nullable: true }) token!: string | null;
  @Field(() => String, { nullable: true }) refreshToken!: string | null;
  @Field(() => TokenPayload, { nullable: true }) payload!: TokenPayload | null;
  @Field(() => Int, { nullable: true }) refreshExpiresIn!: number | null;
  @Field(() => User) user!: User;
  @Field({ description: 'True when no tokens were issued because the email must be confirmed first.' })
  emailVerificationRequired!: boolean;
}
