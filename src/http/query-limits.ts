// Cheap limits on a GraphQL document, checked before Apollo parses and
// validates it (graphql-js's validation is quadratic in places: the
// overlapping-fields "bomb"). Fragments are costed once each (memoised), so
// even an exponential fragment fan-out is measured in linear time.
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Config } from '../config';

export interface QueryVerdict {
  error?: GraphQLError;
}

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
  widest: number;
}

const CACHE_SIZE = 500;
/**
 * The standard introspection query (GraphiQL, codegen, Sandbox) nests
 * `ofType` about 15 deep. Its subtree gets this depth of its own instead of
 * GRAPHQL_MAX_DEPTH; when introspection is off Apollo refuses it anyway.
 */
const INTROSPECTION_MAX_DEPTH = 20;
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
const CACHEABLE_LENGTH = 8 * 1024;

export function createQueryGuard(limits: Config['graphql']): (query: string) => QueryVerdict {
  const cache = new Map<string, QueryVerdict>();
  return (query) => {
    const hit = cache.get(query);
    if (hit) return hit;
    const verdict = judge(query, limits);
    if (query.length <= CACHEABLE_LENGTH) {
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(query, verdict);
    }
    return verdict;
  };
}

function judge(query: string, limits: Config['graphql']): QueryVerdict {
  let doc: DocumentNode;
  try {
    doc = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (err) {
    if (err instanceof GraphQLError && /tokens/.test(err.message)) {
      return { error: limitError('BAD_USER_INPUT', `The document has more than ${limits.maxTokens} tokens.`) };
    }
    return {}; // a plain syntax error: Apollo reports it as GRAPHQL_PARSE_FAILED
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Measure>();
  const visiting = new Set<string>();
  let introspectionDepth = 0;

  const measure = (set: SelectionSetNode): Measure => {
    const m: Measure = { depth: 0, cost: 0, aliases: 0, widest: set.selections.length };
    for (const sel of set.selections) {
      let sub: Measure;
      if (sel.kind === Kind.FIELD) {
        sub = sel.selectionSet ? measure(sel.selectionSet) : { depth: 0, cost: 0, aliases: 0, widest: 0 };
        const introspection = limits.introspection && INTROSPECTION_ROOTS.has(sel.name.value);
        if (introspection) introspectionDepth = Math.max(introspectionDepth, sub.depth + 1);
        sub = { ...sub, depth: introspection ? 1 : sub.depth + 1, cost: sub.cost + 1, aliases: sub.aliases + (sel.alias ? 1 : 0) };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        sub = measure(sel.selectionSet);
      } else {
        sub = fragment(sel.name.value);
      }
      m.depth = Math.max(m.depth, sub.depth);
      m.cost = Math.min(Number.MAX_SAFE_INTEGER, m.cost + sub.cost);
      m.aliases = Math.min(Number.MAX_SAFE_INTEGER, m.aliases + sub.aliases);
      m.widest = Math.max(m.widest, sub.widest);
    }
    return m;
  };
  const fragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    const def = fragments.get(name);
    if (!def || visiting.has(name)) return { depth: 0, cost: 0, aliases: 0, widest: 0 }; // validation reports these
    visiting.add(name);
    const m = measure(def.selectionSet);
    visiting.delete(name);
    memo.set(name, m);
    return m;
  };

  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const m = measure(def.selectionSet);
    if (introspectionDepth > INTROSPECTION_MAX_DEPTH) {
      return { error: limitError('GRAPHQL_VALIDATION_FAILED', `The introspection query is nested ${introspectionDepth} deep; the limit is ${INTROSPECTION_MAX_DEPTH}.`) };
    }
    if (m.depth > limits.maxDepth) return { error: limitError('GRAPHQL_VALIDATION_FAILED', `The query is nested ${m.depth} deep; the limit is ${limits.maxDepth}.`) };
    if (m.aliases > limits.maxAliases) return { error: limitError('GRAPHQL_VALIDATION_FAILED', `The query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}.`) };
    if (m.widest > limits.maxSelectionFields) {
      return { error: limitError('GRAPHQL_VALIDATION_FAILED', `A selection has ${m.widest} fields; the limit is ${limits.maxSelectionFields}.`) };
    }
    if (m.cost > limits.maxCost) return { error: limitError('GRAPHQL_VALIDATION_FAILED', `The query selects ${m.cost} fields; the limit is ${limits.maxCost}.`) };
  }
  return {};
}

function limitError(code: 'BAD_USER_INPUT' | 'GRAPHQL_VALIDATION_FAILED', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
