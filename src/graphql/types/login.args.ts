import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class LoginArgs {
  @Field({ description: 'Username or email.' })
  username!: string;

  @Field()
  password!: string;
}
