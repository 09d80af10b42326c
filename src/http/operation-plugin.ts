// Names each request's operation for logs and metrics once Apollo has
// resolved it against the schema: the root fields, so the label set stays
// bounded by the schema whatever operation names clients choose.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

export const operationLabelPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (!operation) return;
        const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : ['…']));
        const shown = [...new Set(fields)].sort();
        contextValue.request.operation = `${operation.operation}:${shown.slice(0, 3).join('+')}${shown.length > 3 ? '+…' : ''}`;
      },
    };
  },
};
