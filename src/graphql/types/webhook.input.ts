import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WebhookEndpoint } from '../../entities';
import { EVENT_TYPES } from '../../events/catalogue';

const EVENTS_HELP = `Event types (or * for every event, including later ones): ${EVENT_TYPES.join(', ')}.`;

@InputType()
export class WebhookInput {
  @Field({ description: 'https:// in production; loopback and private addresses need WEBHOOK_ALLOW_PRIVATE=true.' }) url!: string;
  @Field(() => [String], { description: EVENTS_HELP }) events!: string[];
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [String], { nullable: true, description: EVENTS_HELP }) events?: string[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}

@ArgsType()
export class UpdateWebhookArgs {
  @Field(() => ID) id!: string;
  @Field(() => UpdateWebhookInput) input!: UpdateWebhookInput;
}

@ObjectType()
export class CreateWebhookPayload {
  @Field(() => WebhookEndpoint) webhook!: WebhookEndpoint;
  @Field({ description: 'The signing secret (whsec_…), shown this once: store it with the receiver.' }) secret!: string;
}

@ArgsType()
export class DeliveriesArgs {
  @Field(() => Int, { defaultValue: 10, description: 'At most 100, newest first.' }) first!: number;
}
