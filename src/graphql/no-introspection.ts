// Introspection off (GRAPHQL_INTROSPECTION=false, production's default) as a
// validation rule of our own, so the refusal names our setting rather than
// Apollo's constructor option. `__typename` stays allowed: clients need it.
import { GraphQLError, type ValidationRule } from 'graphql';

export const INTROSPECTION_OFF =
  'Introspection is off on this server (GRAPHQL_INTROSPECTION=false, the production default): generate clients from the published schema.graphql, or set GRAPHQL_INTROSPECTION=true.';

export const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(INTROSPECTION_OFF, { nodes: node }));
    }
  },
});
