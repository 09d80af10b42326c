// The passkey mutations' arguments, in the contract's order (issue 13).
import { GraphQLJSON } from 'graphql-scalars';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class RegisterPasskeyArgs {
  @Field(() => GraphQLJSON, { description: "The authenticator's answer to passkeyRegistrationOptions: credential.toJSON()." })
  response!: unknown;

  @Field(() => String, { nullable: true, description: 'Shown in the list and in notices; default "Passkey N". At most 100 characters.' })
  name?: string | null;
}

@ArgsType()
export class DeletePasskeyArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  password?: string | null;
}

@ArgsType()
export class SignInWithPasskeyArgs {
  @Field()
  challengeId!: string;

  @Field(() => GraphQLJSON, { description: "The authenticator's answer to the options: credential.toJSON()." })
  response!: unknown;
}
