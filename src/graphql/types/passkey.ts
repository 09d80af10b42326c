import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Passkey')
export class PasskeyType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt?: Date | null;
}
