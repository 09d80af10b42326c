// The enums the schema shares with the domain, registered with type-graphql
// before the schema is built (schema.ts imports this first).
import { registerEnumType } from 'type-graphql';
import { SocialProvider } from '../social/providers/provider-id';

registerEnumType(SocialProvider, { name: 'SocialProvider', description: 'A social sign-in provider.' });
