/** Ids are UUIDs: anything else cannot name a row, and must not reach Postgres, whose uuid cast would fail. */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
