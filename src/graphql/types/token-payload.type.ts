import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AccessClaims } from '../../sessions/jwt';

/** The access token's claims, decoded for the client's convenience. */
@ObjectType({ simpleResolvers: true })
export class TokenPayload {
  @Field(() => ID) sub!: string;
  @Field() username!: string;
  @Field(() => Int) iat!: number;
  @Field(() => Int) exp!: number;
  @Field(() => Int, { description: "Unix seconds of the session's first sign-in." }) origIat!: number;
  @Field(() => [String], { description: 'RFC 8176 methods the sign-in proved: pwd, fed, otp, hwk/swk, mfa (a second factor or a passkey).' })
  amr!: string[];
  @Field(() => Int, { description: 'Unix seconds when the user last proved who they are in this session (OIDC auth_time).' })
  authTime!: number;

  static from(claims: AccessClaims): TokenPayload {
    return Object.assign(new TokenPayload(), {
      sub: claims.sub,
      username: claims.username,
      iat: claims.iat,
      exp: claims.exp,
      origIat: claims.orig_iat,
      amr: claims.amr ?? [],
      authTime: claims.auth_time ?? claims.orig_iat,
    });
  }
}
