/** The one GraphQL endpoint (cookies are path-scoped to it). */
export const GRAPHQL_PATH = '/graphql';
