// Management of provider apps (what Django's admin did for allauth). Staff
// may list them; changing one needs a superuser, because an app's client IDs
// decide whose ID tokens sign in (an added audience signs in as anyone). The
// secret is write-only: SocialApp has no field for it.
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { SocialApp } from '../../entities';
import { listSocialApps } from '../../social/social-apps';
import type { Context } from '../context';
import { SocialAppInput, UpdateSocialAppArgs } from '../types/social-app.input';

@Resolver(() => SocialApp)
export class SocialAppResolver {
  @Authorized('STAFF')
  @Query(() => [SocialApp], { description: 'Staff only. Secrets are never shown.' })
  socialApps(@Ctx() ctx: Context): Promise<SocialApp[]> {
    return listSocialApps(ctx.em);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => SocialApp, { description: 'Superusers only. One app per provider.' })
  async createSocialApp(@Arg('input') input: SocialAppInput, @Ctx() ctx: Context): Promise<SocialApp> {
    return ctx.services.socialApps.create(ctx.em, await ctx.requireViewer(), input);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => SocialApp, { description: 'Superusers only.' })
  async updateSocialApp(@Args() { id, input }: UpdateSocialAppArgs, @Ctx() ctx: Context): Promise<SocialApp> {
    return ctx.services.socialApps.update(ctx.em, await ctx.requireViewer(), id, input);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => Boolean, { description: 'Superusers only. False when there is no such app.' })
  async deleteSocialApp(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.socialApps.delete(ctx.em, await ctx.requireViewer(), id);
  }
}
