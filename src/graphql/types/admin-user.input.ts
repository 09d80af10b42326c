import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

/** The fields staff may set on a user, shared by create and update (never referenced, so not in the schema). */
@InputType()
abstract class StaffUserFields {
  @Field(() => String, { nullable: true }) @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(256) password?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(150) firstName?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(150) lastName?: string | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => Boolean, { nullable: true }) emailVerified?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Superusers only.' }) isStaff?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Superusers only.' }) isSuperuser?: boolean | null;
}

@InputType({ description: 'Staff create a user. Without `password` the account has an unusable one (it can reset it by email).' })
export class CreateUserInput extends StaffUserFields {
  @Field() @MaxLength(150) username!: string;
}

@InputType({ description: 'Only the fields given change. Setting a password or isActive=false ends all of the user’s sessions.' })
export class UpdateUserInput extends StaffUserFields {
  @Field(() => String, { nullable: true }) @MaxLength(150) username?: string | null;
}
