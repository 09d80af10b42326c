// Builds the executable schema from the resolver classes. schema.graphql at
// the repository root is printed from this and checked for drift in CI.
import 'reflect-metadata';
import { type GraphQLSchema, printSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import './enums';
import { authChecker } from './auth-checker';
import { AdminUserResolver } from './resolvers/admin-user.resolver';
import { AuditResolver } from './resolvers/audit.resolver';
import { AuthResolver } from './resolvers/auth.resolver';
import { MeResolver } from './resolvers/me.resolver';
import { PasskeyResolver } from './resolvers/passkey.resolver';
import { PasswordResolver } from './resolvers/password.resolver';
import { SecondFactorResolver, UserSecondFactorsResolver } from './resolvers/second-factor.resolver';
import { SessionResolver } from './resolvers/session.resolver';
import { SignInCodeResolver } from './resolvers/sign-in-code.resolver';
import { SocialAppResolver } from './resolvers/social-app.resolver';
import { SocialAuthResolver, UserSocialAccountsResolver } from './resolvers/social-auth.resolver';
import { UserConnectionResolver, UserResolver } from './resolvers/user.resolver';
import { WebhookDeliveryResolver, WebhookResolver } from './resolvers/webhook.resolver';

export const RESOLVERS = [
  AuthResolver,
  UserResolver,
  UserConnectionResolver,
  PasswordResolver,
  MeResolver,
  SessionResolver,
  AdminUserResolver,
  SocialAuthResolver,
  UserSocialAccountsResolver,
  SocialAppResolver,
  PasskeyResolver,
  SignInCodeResolver,
  SecondFactorResolver,
  UserSecondFactorsResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  AuditResolver,
] as const;

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    // The contract's scalar is `DateTime` (RFC 3339), not type-graphql's default DateTimeISO.
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // class-validator runs on inputs; never echo the offending values (they may be passwords).
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    emitSchemaFile: false,
  });
}

export const SCHEMA_HEADER = '# Generated from the code by `npm run schema`; do not edit. CI fails when it drifts.\n\n';

export async function schemaText(): Promise<string> {
  return `${SCHEMA_HEADER}${printSchema(await createSchema())}\n`;
}
