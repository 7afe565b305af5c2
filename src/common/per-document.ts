import type { DocumentNode } from 'graphql';

/**
 * Memoizes a pure function of a parsed operation. Apollo keeps each query it has parsed and validated and hands every
 * request with the same text the same DocumentNode, so a check that walks the document (limits, stored-text guard)
 * walks it once per query, not once per request. `context` (the schema) must be the same on every call. Keyed
 * weakly: a document Apollo forgets is forgotten here too.
 */
export function perDocument<C extends unknown[], T>(
  compute: (document: DocumentNode, ...context: C) => T,
): (document: DocumentNode, ...context: C) => T {
  const memo = new WeakMap<DocumentNode, { value: T }>();
  return (document, ...context) => {
    let hit = memo.get(document);
    if (!hit) {
      hit = { value: compute(document, ...context) };
      memo.set(document, hit);
    }
    return hit.value;
  };
}
