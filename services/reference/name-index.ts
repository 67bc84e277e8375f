/**
 * How a name typed by a person or found in a feed is matched to an id. Sources write the same unit as
 * "于家务乡", "于家务 乡" (PDF extraction), "于家务乡" with a full-width space, or "Yujiawu Township": matching folds
 * Unicode compatibility forms (NFKC: full-width letters, digits, brackets and the ideographic space become
 * ASCII), drops all whitespace and lower-cases Latin letters. Everything else — including 乡 vs 回族乡 — is a
 * different spelling and needs an alias of its own.
 */

export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/**
 * The same normalisation in SQL, for matching stored aliases (kept as written, so the table stays readable).
 * PostgreSQL's NFKC maps every Unicode space to U+0020 first, so `\s` only has ASCII whitespace left to remove.
 * `column` is a fixed column name from this module's callers, never input.
 */
export function normalisedSql(column: string): string {
  return `lower(regexp_replace(normalize(${column}, NFKC), '\\s+', '', 'g'))`;
}

/** A lookup from every id and normalised name of a set of entities to the entity id. */
export class NameIndex {
  private readonly byName = new Map<string, string>();

  constructor(entries: Iterable<{ id: string; names: readonly string[] }> = []) {
    for (const e of entries) this.add(e.id, e.names);
  }

  /** Adds names for an id; returns the names already taken by another id (first come keeps them). */
  add(id: string, names: readonly string[]): string[] {
    const clashes: string[] = [];
    for (const name of [id, ...names]) {
      const key = normaliseName(name);
      if (key === '') continue;
      const owner = this.byName.get(key);
      if (owner === undefined) this.byName.set(key, id);
      else if (owner !== id) clashes.push(name);
    }
    return clashes;
  }

  resolve(nameOrAlias: string): string | undefined {
    return this.byName.get(normaliseName(nameOrAlias));
  }
}
