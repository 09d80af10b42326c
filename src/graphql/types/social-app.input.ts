import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { SocialProvider } from '../../social/providers/provider-id';
import { PROVIDERS } from '../../social/providers/registry';

@InputType({
  // Assembled from the providers' own descriptors, so a new provider documents its app here.
  description: PROVIDERS.map((p) => `${p.displayName}: ${p.app.description}`).join(' '),
})
export class SocialAppInput {
  @Field(() => SocialProvider) provider!: SocialProvider;
  @Field() name!: string;
  @Field() clientId!: string;
  @Field(() => [String], { nullable: true, description: 'More client IDs an ID token may be addressed to; omitted or null means none.' })
  extraClientIds?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Write-only. On update, omitted or null keeps the stored secret and "" clears it.' })
  secret?: string | null;
  @Field(() => String, { nullable: true }) key?: string | null;
  @Field(() => String, { nullable: true, description: 'Apple only: the Team ID. Omitted or null keeps it, "" clears it.' })
  teamId?: string | null;
  @Field(() => String, { nullable: true, description: 'Apple only: the Key ID of the Sign in with Apple key. Omitted or null keeps it, "" clears it.' })
  keyId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Apple only, write-only: the .p8 private key (PEM), stored encrypted. Omitted or null keeps the stored key, "" clears it.',
  })
  privateKey?: string | null;
}

/** An ArgsType so the schema lists `id` before `input`, as the contract does. */
@ArgsType()
export class UpdateSocialAppArgs {
  @Field(() => ID) id!: string;
  @Field(() => SocialAppInput) input!: SocialAppInput;
}
