// The columns an entity is read with when it is loaded by hand (a knex
// query, a plain-row page): every persisted scalar property except hidden and
// lazy ones (the password hash), taken from MikroORM's metadata so that a new
// column is read everywhere at once instead of silently reading as undefined.
import { type EntityMetadata, type EntityProperty, ReferenceKind } from '@mikro-orm/core';

export interface LoadedColumns {
  /** Property names, for the query builder (`qb.select`). */
  properties: readonly string[];
  /** Column names, for knex. */
  columns: readonly string[];
}

export const isLoaded = (p: EntityProperty): boolean =>
  p.kind === ReferenceKind.SCALAR && p.persist !== false && !p.lazy && !p.hidden && !p.formula && (p.fieldNames?.length ?? 0) > 0;

const cache = new WeakMap<EntityMetadata, LoadedColumns>();

export function loadedColumns(meta: EntityMetadata): LoadedColumns {
  let found = cache.get(meta);
  if (!found) {
    const props = meta.props.filter(isLoaded);
    found = { properties: props.map((p) => p.name), columns: props.flatMap((p) => p.fieldNames) };
    cache.set(meta, found);
  }
  return found;
}
