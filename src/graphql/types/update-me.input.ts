import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Only the fields given change. Changing the email needs `password` and re-verification.' })
export class UpdateMeInput {
  @Field(() => String, { nullable: true }) @MaxLength(150) firstName?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(150) lastName?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true, description: 'The current password; required to change the email.' }) @MaxLength(256) password?: string | null;
}
