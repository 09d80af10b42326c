// requestSignInCode, signInWithCode: passwordless sign-in with a code mailed
// to the account's address (sign-in/code.ts has the rules).
import { Arg, Args, ArgsType, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { authPayload } from '../payload';
import { AuthPayload } from '../types/auth-payload.type';

@ArgsType()
class SignInWithCodeArgs {
  @Field() email!: string;
  @Field({ description: 'The 6 digits from the mail (spaces are ignored).' }) code!: string;
}

@Resolver()
export class SignInCodeResolver {
  @Mutation(() => Boolean, {
    description:
      'Mails a 6-digit sign-in code (single use, SIGN_IN_CODE_TIMEOUT seconds, 5 wrong tries) if the email belongs to an active account; a newer code replaces it. Always true, in the same time either way.',
  })
  async requestSignInCode(@Arg('email') email: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.signIn.code.request(email, ctx.client);
    return true;
  }

  @Mutation(() => AuthPayload, {
    description: 'Signs in with a mailed code and marks that email verified. Every failure (wrong, used, expired, dead, unknown email) is INVALID_CREDENTIALS.',
  })
  async signInWithCode(@Args() { email, code }: SignInWithCodeArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return authPayload(ctx, await ctx.services.signIn.code.signIn(ctx.em, email, code, ctx.client));
  }
}
