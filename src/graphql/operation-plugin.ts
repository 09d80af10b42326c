// Names each request's operation for logs and metrics once Apollo has
// resolved it against the schema: the root fields, so the label set stays
// bounded by the schema whatever operation names clients choose.
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { Context } from './context';

// Apollo reuses the parsed document of a repeated query, so the label is
// computed once per distinct operation.
const labels = new WeakMap<OperationDefinitionNode, string>();

function label(operation: OperationDefinitionNode): string {
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : ['…']));
  const shown = [...new Set(fields)].sort();
  return `${operation.operation}:${shown.slice(0, 3).join('+')}${shown.length > 3 ? '+…' : ''}`;
}

/** `query:users`-style: the operation's kind and (up to three) root fields. */
export function operationLabel(operation: OperationDefinitionNode): string {
  let known = labels.get(operation);
  if (known === undefined) {
    known = label(operation);
    labels.set(operation, known);
  }
  return known;
}

const hooks = {
  async didResolveOperation({ operation, contextValue }: { operation?: OperationDefinitionNode; contextValue: Context }) {
    if (!operation) return;
    contextValue.request.operation = operationLabel(operation);
    contextValue.request.readOnly = operation.operation === 'query';
  },
};

export const operationLabelPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return hooks;
  },
};
