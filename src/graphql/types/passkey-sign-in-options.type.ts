import { GraphQLJSON } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType('PasskeySignInOptions')
export class PasskeySignInOptionsType {
  @Field({ description: 'Send it back with the response to signInWithPasskey; it works once, for 5 minutes.' })
  challengeId!: string;

  @Field(() => GraphQLJSON, {
    description: 'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get (PublicKeyCredential.parseRequestOptionsFromJSON).',
  })
  options!: unknown;
}
