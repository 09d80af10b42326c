// One readable line for what went wrong, instead of an ApolloError's stack:
// authql's own refusal (its message and code), a server that is not there,
// or an address that is not a GraphQL endpoint.
import { ApolloError } from '@apollo/client/core';

export function describeFailure(err: unknown, uri: string): string {
  if (err instanceof ApolloError) {
    const first = err.graphQLErrors[0];
    if (first) return `authql refused: ${first.message} (${String(first.extensions?.code ?? 'no code')})`;
    const network = err.networkError as (Error & { statusCode?: number; cause?: { code?: string } }) | null;
    if (network?.statusCode) return `${uri} answered HTTP ${network.statusCode}: is AUTHQL_URL authql's /graphql endpoint?`;
    const code = network?.cause?.code;
    if (code) return `cannot reach authql at ${uri} (${code}): start it (npm start at the repository root) or set AUTHQL_URL.`;
    if (network) return `cannot talk to authql at ${uri}: ${network.message}`;
  }
  return `failed: ${err instanceof Error ? err.message : String(err)}`;
}
