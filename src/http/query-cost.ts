// What one field of a document costs before it runs (README, Security: how a
// query is costed). A field costs 1 per item it is resolved for; a field with
// a `first` argument (a page) resolves its list fields `first` times; a count
// or a LIKE scan costs more than a field. Sizes come from literals or from the
// request's variables; what cannot be read is priced at the default or the
// maximum, never at zero.
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../graphql/types/users.args';

export const COST = {
  /** Every selected field, once per item it is resolved for. */
  field: 1,
  /** `totalCount`: a COUNT over the matching rows, however many the page shows. */
  count: 200,
  /** A non-empty `search` argument: a LIKE scan that no index serves. */
  search: 200,
} as const;

/** The schema's definition of a selected field; undefined when validation will refuse it. */
export function fieldDef(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

export const returnsList = (def: GraphQLField<unknown, unknown> | undefined): boolean => def !== undefined && isListType(getNullableType(def.type));

/**
 * Reads argument values as execution will see them: literals, variables sent
 * with the request, or a variable's declared default. Notes whether a price
 * depended on the variables (then the verdict cannot be cached by text).
 */
export class ArgumentReader {
  varying = false;
  private readonly defaults = new Map<string, ValueNode[]>();

  constructor(
    doc: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const v of def.variableDefinitions ?? []) {
        if (v.defaultValue) this.defaults.set(v.variable.name.value, [...(this.defaults.get(v.variable.name.value) ?? []), v.defaultValue]);
      }
    }
  }

  /** The values the argument may take: none when it is absent (its schema default applies). */
  values(field: FieldNode, name: string): unknown[] {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) return [];
    if (arg.value.kind !== Kind.VARIABLE) return [valueFromASTUntyped(arg.value)];
    this.varying = true;
    const variable = arg.value.name.value;
    if (Object.hasOwn(this.variables, variable)) return [this.variables[variable]];
    // Several operations may declare it differently: the dearest wins.
    return (this.defaults.get(variable) ?? []).map((d) => valueFromASTUntyped(d));
  }
}

/**
 * The number of items a page field will return, or null for a field without
 * `first`. Null or absent: the argument's default; anything but an integer
 * from 1 to MAX_PAGE_SIZE (which the resolver refuses anyway): the maximum.
 */
export function pageSize(field: FieldNode, def: GraphQLField<unknown, unknown> | undefined, args: ArgumentReader): number | null {
  const first = def?.args.find((a) => a.name === 'first');
  if (!first) return null;
  const fallback = typeof first.defaultValue === 'number' ? first.defaultValue : MAX_PAGE_SIZE;
  const size = (v: unknown): number => {
    if (v == null) return fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PAGE_SIZE ? v : MAX_PAGE_SIZE;
  };
  const sizes = args.values(field, 'first').map(size);
  return sizes.length > 0 ? Math.max(...sizes) : fallback;
}

/** The field's own price, before its subtree. */
export function ownCost(field: FieldNode, args: ArgumentReader): number {
  const base = field.name.value === 'totalCount' ? COST.count : COST.field;
  const searched = args.values(field, 'search').some((v) => v != null && v !== '');
  return base + (searched ? COST.search : 0);
}
