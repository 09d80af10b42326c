// Cheap limits on a GraphQL document, checked before Apollo parses and
// validates it (graphql-js's validation is quadratic in places: the
// overlapping-fields "bomb"). Fragments are costed once each (memoised), so
// even an exponential fragment fan-out is measured in linear time. The cost
// follows the schema's types to see list sizes (query-cost.ts).
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { Config } from '../config';
import { ArgumentReader, fieldDef, ownCost, pageSize, returnsList } from './query-cost';

export interface QueryVerdict {
  error?: GraphQLError;
}

export type QueryGuard = (query: string, variables: Record<string, unknown>) => QueryVerdict;

interface Measure {
  depth: number;
  /** Cost of this selection's fields that resolve once. */
  cost: number;
  /** Cost of its list fields, for one item: a page above multiplies it by its size. */
  perItem: number;
  aliases: number;
  widest: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, perItem: 0, aliases: 0, widest: 0 };
const CACHE_SIZE = 500;
/**
 * The standard introspection query (GraphiQL, codegen, Sandbox) nests
 * `ofType` about 15 deep. Its subtree gets this depth of its own instead of
 * GRAPHQL_MAX_DEPTH; when introspection is off Apollo refuses it anyway.
 */
const INTROSPECTION_MAX_DEPTH = 20;
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
const CACHEABLE_LENGTH = 8 * 1024;

const add = (a: number, b: number) => Math.min(Number.MAX_SAFE_INTEGER, a + b);
const times = (a: number, b: number) => Math.min(Number.MAX_SAFE_INTEGER, a * b);

/** A document's verdict, or (when a price depended on the variables) the parsed document to cost per request. */
type CacheEntry = { verdict: QueryVerdict } | { doc: DocumentNode };

export function createQueryGuard(limits: Config['graphql'], schema: GraphQLSchema): QueryGuard {
  const cache = new Map<string, CacheEntry>();
  return (query, variables) => {
    const hit = cache.get(query);
    if (hit) return 'doc' in hit ? judge(hit.doc, variables, limits, schema).verdict : hit.verdict;
    const parsed = parseWithin(query, limits);
    const judged = 'kind' in parsed ? judge(parsed, variables, limits, schema) : { verdict: parsed, varying: false };
    if (query.length <= CACHEABLE_LENGTH) {
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(query, judged.varying && 'kind' in parsed ? { doc: parsed } : { verdict: judged.verdict });
    }
    return judged.verdict;
  };
}

/** The document, or the verdict when it cannot be parsed. */
function parseWithin(query: string, limits: Config['graphql']): DocumentNode | QueryVerdict {
  try {
    return parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (err) {
    if (err instanceof GraphQLError && /tokens/.test(err.message)) {
      return { error: limitError('BAD_USER_INPUT', `The document has more than ${limits.maxTokens} tokens.`) };
    }
    return {}; // a plain syntax error: Apollo reports it as GRAPHQL_PARSE_FAILED
  }
}

function judge(
  doc: DocumentNode,
  variables: Record<string, unknown>,
  limits: Config['graphql'],
  schema: GraphQLSchema,
): { verdict: QueryVerdict; varying: boolean } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const args = new ArgumentReader(doc, variables);
  const memo = new Map<string, Measure>();
  const visiting = new Set<string>();
  let introspectionDepth = 0;

  const measure = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): Measure => {
    const m: Measure = { ...NOTHING, widest: set.selections.length };
    for (const sel of set.selections) {
      let sub: Measure;
      let isList = false;
      if (sel.kind === Kind.FIELD) {
        const def = fieldDef(parent, sel.name.value);
        sub = sel.selectionSet ? measure(sel.selectionSet, def && getNamedType(def.type)) : NOTHING;
        const introspection = limits.introspection && INTROSPECTION_ROOTS.has(sel.name.value);
        if (introspection) introspectionDepth = Math.max(introspectionDepth, sub.depth + 1);
        // A page's list fields run once per item; a list without `first` is priced as one item.
        const size = pageSize(sel, def, args);
        isList = returnsList(def);
        const subtree = size === null ? add(sub.cost, sub.perItem) : isList ? times(size, add(sub.cost, sub.perItem)) : add(sub.cost, times(size, sub.perItem));
        sub = {
          ...sub,
          depth: introspection ? 1 : sub.depth + 1,
          cost: add(subtree, ownCost(sel, args)),
          perItem: 0,
          aliases: sub.aliases + (sel.alias ? 1 : 0),
        };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        sub = measure(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent);
      } else {
        sub = fragment(sel.name.value);
      }
      m.depth = Math.max(m.depth, sub.depth);
      if (isList) m.perItem = add(m.perItem, sub.cost);
      else m.cost = add(m.cost, sub.cost);
      m.perItem = add(m.perItem, sub.perItem);
      m.aliases = add(m.aliases, sub.aliases);
      m.widest = Math.max(m.widest, sub.widest);
    }
    return m;
  };
  const fragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    const def = fragments.get(name);
    if (!def || visiting.has(name)) return NOTHING; // validation reports these
    visiting.add(name);
    const m = measure(def.selectionSet, schema.getType(def.typeCondition.name.value));
    visiting.delete(name);
    memo.set(name, m);
    return m;
  };

  const refuse = (message: string) => ({ verdict: { error: limitError('GRAPHQL_VALIDATION_FAILED', message) }, varying: args.varying });
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const m = measure(def.selectionSet, schema.getRootType(def.operation) ?? undefined);
    const cost = add(m.cost, m.perItem);
    if (introspectionDepth > INTROSPECTION_MAX_DEPTH)
      return refuse(`The introspection query is nested ${introspectionDepth} deep; the limit is ${INTROSPECTION_MAX_DEPTH}.`);
    if (m.depth > limits.maxDepth) return refuse(`The query is nested ${m.depth} deep; the limit is ${limits.maxDepth}.`);
    if (m.aliases > limits.maxAliases) return refuse(`The query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}.`);
    if (m.widest > limits.maxSelectionFields) return refuse(`A selection has ${m.widest} fields; the limit is ${limits.maxSelectionFields}.`);
    if (cost > limits.maxCost) {
      return refuse(
        `The query costs ${cost}; the limit is ${limits.maxCost}. It selects too many fields, list items, counts or searches (see the README, Security).`,
      );
    }
  }
  return { verdict: {}, varying: args.varying };
}

function limitError(code: 'BAD_USER_INPUT' | 'GRAPHQL_VALIDATION_FAILED', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
