import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Session', { description: 'A signed-in device: one sign-in and the refresh tokens that descend from it.' })
export class SessionInfo {
  @Field(() => ID) id!: string;
  @Field() createdAt!: Date;
  @Field() lastUsedAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field({ description: 'True for the session of the token making this request.' }) current!: boolean;
}
