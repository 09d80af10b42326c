// Management of provider apps (what Django's admin did for allauth). Staff
// may list them; changing one needs a superuser, because an app's client IDs
// decide whose ID tokens sign in (an added audience signs in as anyone). The
// secret is write-only: SocialApp has no field for it.
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { createSocialApp, deleteSocialApp, listSocialApps, updateSocialApp } from '../../social/social-apps';
import type { Context } from '../context';
import { SocialApp } from '../../entities';
import { badInput } from '../../errors';
import { SocialAppInput, UpdateSocialAppArgs } from '../types/social-app.input';

const toId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

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
    const app = await createSocialApp(ctx.em, input);
    await audit(ctx, 'social_app_created', app);
    return app;
  }

  @Authorized('SUPERUSER')
  @Mutation(() => SocialApp, { description: 'Superusers only.' })
  async updateSocialApp(@Args() { id, input }: UpdateSocialAppArgs, @Ctx() ctx: Context): Promise<SocialApp> {
    const n = toId(id);
    const app = n === null ? null : await updateSocialApp(ctx.em, n, input);
    if (!app) throw badInput('id', 'There is no social app with that id.');
    await audit(ctx, 'social_app_updated', app);
    return app;
  }

  @Authorized('SUPERUSER')
  @Mutation(() => Boolean, { description: 'Superusers only. False when there is no such app.' })
  async deleteSocialApp(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const n = toId(id);
    const deleted = n !== null && (await deleteSocialApp(ctx.em, n));
    if (deleted) await audit(ctx, 'social_app_deleted', { id: n, provider: null });
    return deleted;
  }
}

async function audit(ctx: Context, event: string, app: { id: number; provider: string | null }): Promise<void> {
  const viewer = await ctx.requireViewer();
  ctx.services.logger.info({ event, socialAppId: app.id, provider: app.provider, by: viewer.id }, 'social app changed');
}
