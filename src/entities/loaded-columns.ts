// The columns an entity is read with when it is loaded by hand (a knex
// query, a plain-row page): every persisted scalar property except hidden and
// lazy ones (the password hash), taken from MikroORM's metadata so that a new
// column is read everywhere at once instead of silently reading as undefined.
import { type EntityData, type EntityManager, type EntityMetadata, type EntityProperty, ReferenceKind } from '@mikro-orm/core';

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

/**
 * A row read by hand as a plain object with the entity's prototype: what a
 * read needs, without a managed entity (hydrating one costs more CPU than
 * the query that read it, README, Performance). type-graphql turns anything
 * that is not `instanceof` the class into `new Entity()`, whose constructor
 * runs MikroORM's per-property setters. Columns become properties with
 * MikroORM's own conversions (driver.mapResult), as its query builder would
 * give them. Changes to it are not written by a flush.
 */
export function plainEntity<T extends object>(em: EntityManager, entity: { name: string; prototype: T }, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get<T>(entity.name);
  return Object.setPrototypeOf(em.getDriver().mapResult(row as EntityData<T>, meta), entity.prototype) as T;
}
