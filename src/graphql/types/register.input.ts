import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType()
export class RegisterInput {
  @Field() @MaxLength(150) username!: string;
  @Field() @MaxLength(254) email!: string;
  // Bounded before any hashing so an oversized password costs nothing.
  @Field() @MaxLength(256) password!: string;
}
