// Webhook endpoints and their deliveries: superusers only (an endpoint
// receives every account event). Each mutation is one WebhookAdmin call.
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { WebhookDelivery, WebhookEndpoint } from '../../entities';
import type { Context } from '../context';
import { CreateWebhookPayload, DeliveriesArgs, UpdateWebhookArgs, WebhookInput } from '../types/webhook.input';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized('SUPERUSER')
  @Query(() => [WebhookEndpoint], { description: 'Superusers only. Secrets are never shown.' })
  webhooks(@Ctx() ctx: Context): Promise<WebhookEndpoint[]> {
    return ctx.services.webhooks.list(ctx.em);
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The latest deliveries to this endpoint, newest first.' })
  deliveries(@Root() webhook: WebhookEndpoint, @Args() { first }: DeliveriesArgs, @Ctx() ctx: Context): Promise<WebhookDelivery[]> {
    return ctx.services.webhooks.deliveries(ctx.em, webhook.id, first);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => CreateWebhookPayload, { description: 'Superusers only. The answer carries the signing secret, once.' })
  async createWebhook(@Arg('input') input: WebhookInput, @Ctx() ctx: Context): Promise<CreateWebhookPayload> {
    return ctx.services.webhooks.create(ctx.em, await ctx.requireViewer(), input);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => WebhookEndpoint, { description: 'Superusers only. Omitted fields keep their value.' })
  async updateWebhook(@Args() { id, input }: UpdateWebhookArgs, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.update(ctx.em, await ctx.requireViewer(), id, input);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => Boolean, { description: 'Superusers only. False when there is no such webhook; its deliveries go too.' })
  async deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.webhooks.delete(ctx.em, await ctx.requireViewer(), id);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => WebhookDelivery, { description: 'Superusers only. Sends the same event (same webhook-id) to its endpoint again.' })
  async redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return ctx.services.webhooks.redeliver(ctx.em, await ctx.requireViewer(), deliveryId);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => String, { description: 'The webhook-id header: the same on every retry and redelivery.' })
  eventId(@Root() d: WebhookDelivery): string {
    return d.event.id;
  }

  @FieldResolver(() => String)
  async eventType(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.em.populate(d, ['event'])).event.type;
  }
}
