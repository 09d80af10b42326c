// socialLogin, connectSocialAccount, disconnectSocialAccount and
// User.socialAccounts: a provider access or ID token from the mobile app in,
// our tokens (or a linked account) out. The provider is asked first, so nothing
// is written unless it vouched for the token.
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { SocialAccount, User } from '../../entities';
import { credentialsByProvider } from '../../social/providers/registry';
import type { Context } from '../context';
import { authPayload } from '../payload';
import { confirmation } from '../reauth';
import { ConnectSocialArgs } from '../types/connect-social.args';
import { SocialLoginPayload } from '../types/social-login-payload.type';
import { SocialTokenArgs } from '../types/social-token.args';

@Resolver()
export class SocialAuthResolver {
  @Mutation(() => SocialLoginPayload, {
    description: `Exchanges a provider token for our tokens (${credentialsByProvider()}); the first sign-in creates the user.`,
  })
  async socialLogin(@Args() { provider, ...token }: SocialTokenArgs, @Ctx() ctx: Context): Promise<SocialLoginPayload> {
    const { issued, account, isNewUser } = await ctx.services.signIn.social.signIn(ctx.em, provider, token, ctx.client);
    return Object.assign(new SocialLoginPayload(), authPayload(ctx, issued), { socialAccount: account, isNewUser });
  }

  @Authorized()
  @Mutation(() => SocialAccount, {
    description:
      'Links a provider account to the signed-in user, after confirming identity as updateMe does (`password`, or a recent sign-in). The account is mailed a notice.',
  })
  async connectSocialAccount(@Args() { provider, password, ...token }: ConnectSocialArgs, @Ctx() ctx: Context): Promise<SocialAccount> {
    return ctx.services.socialLinking.connect(ctx.em, await ctx.requireViewer(), provider, token, confirmation(ctx, password));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: "Unlinks one of the signed-in user's provider accounts; false when it is not theirs. Refused when it is their last way to sign in.",
  })
  async disconnectSocialAccount(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.socialLinking.disconnect(ctx.em, await ctx.requireViewer(), id);
  }
}

@Resolver(() => User)
export class UserSocialAccountsResolver {
  @FieldResolver(() => [SocialAccount], { description: 'Visible to the user themself and to staff; an empty list for everyone else.' })
  async socialAccounts(@Root() user: User, @Ctx() ctx: Context): Promise<SocialAccount[]> {
    return ctx.services.socialLinking.visibleAccounts(ctx.em, await ctx.viewer(), user);
  }
}
