// Passkeys: registration and removal by the signed-in user (re-auth as
// updateMe), and sign-in with one (second-factor/passkeys.ts, sign-in/passkey.ts).
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Passkey } from '../../entities';
import type { Context } from '../context';
import { authPayload } from '../payload';
import { confirmation } from '../reauth';
import { AuthPayload } from '../types/auth-payload.type';
import { PasskeyType } from '../types/passkey';
import { DeletePasskeyArgs, RegisterPasskeyArgs, SignInWithPasskeyArgs } from '../types/passkey.args';
import { PasskeySignInOptionsType } from '../types/passkey-sign-in-options.type';

/** The GraphQL view of a stored passkey (also for SecondFactors.passkeys). */
export const passkeyType = (p: Passkey): PasskeyType =>
  Object.assign(new PasskeyType(), { id: String(p.id), name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt ?? null });

@Resolver()
export class PasskeyResolver {
  @Authorized()
  @Mutation(() => GraphQLJSON, {
    description:
      'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create (PublicKeyCredential.parseCreationOptionsFromJSON). `password` confirms identity as updateMe does. The challenge works once, for 5 minutes.',
  })
  async passkeyRegistrationOptions(@Ctx() ctx: Context, @Arg('password', () => String, { nullable: true }) password?: string | null): Promise<unknown> {
    return ctx.services.passkeys.registrationOptions(ctx.em, await ctx.requireViewer(), confirmation(ctx, password));
  }

  @Authorized()
  @Mutation(() => PasskeyType, {
    description: "Adds the passkey from the authenticator's answer (credential.toJSON()); mails a notice. A refused answer is SECOND_FACTOR_INVALID.",
  })
  async registerPasskey(@Args() { response, name }: RegisterPasskeyArgs, @Ctx() ctx: Context): Promise<PasskeyType> {
    return passkeyType(await ctx.services.passkeys.register(ctx.em, await ctx.requireViewer(), response, name));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Removes one of your passkeys (`password` as for passkeyRegistrationOptions); mails a notice.' })
  async deletePasskey(@Args() { id, password }: DeletePasskeyArgs, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passkeys.remove(ctx.em, await ctx.requireViewer(), id, confirmation(ctx, password));
  }

  @Mutation(() => PasskeySignInOptionsType, {
    description: "Options for signInWithPasskey. With `username` (or email): that account's passkeys; without: any discoverable passkey (no username typed).",
  })
  async passkeySignInOptions(
    @Ctx() ctx: Context,
    @Arg('username', () => String, { nullable: true }) username?: string | null,
  ): Promise<PasskeySignInOptionsType> {
    return Object.assign(new PasskeySignInOptionsType(), await ctx.services.signIn.passkey.options(ctx.em, username, ctx.client));
  }

  @Mutation(() => AuthPayload, {
    description:
      "Signs in with a passkey: the authenticator's answer (credential.toJSON()) to passkeySignInOptions. Complete on its own (amr hwk or swk, and mfa); a refused answer is INVALID_CREDENTIALS.",
  })
  async signInWithPasskey(@Args() { challengeId, response }: SignInWithPasskeyArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return authPayload(ctx, await ctx.services.signIn.passkey.signIn(ctx.em, challengeId, response, ctx.client));
  }
}
