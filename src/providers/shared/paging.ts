import { ProviderError } from '../types';

/** What one page of a bank's list gives: its items, and the link to the next page when there is one. */
export interface ListPage<T> {
  items: T[];
  next?: string;
}

/**
 * Follows `next` links from `first` until the bank gives none (or answers a page with no content), reading at most
 * `maxPages` pages: paging that never ends is a malformed response, not an endless loop.
 */
export async function readAllPages<T>(
  first: string,
  readPage: (href: string) => Promise<ListPage<T> | undefined>,
  limits: { maxPages: number; institutionId: string },
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    if (pages >= limits.maxPages) {
      throw new ProviderError('MALFORMED_RESPONSE', `Transaction paging did not end after ${pages} pages`, {
        institutionId: limits.institutionId,
      });
    }
    const page: ListPage<T> | undefined = await readPage(next);
    pages += 1;
    if (!page) break;
    items.push(...page.items);
    next = page.next;
  }
  return { items, pages };
}

/**
 * Reads the account list that several accounts' reads depend on. When the bank fails it with a `ProviderError`,
 * every requested account's slot gets that error (one call spent, not one more per account); anything else is a bug.
 */
export async function readListForAccounts<T>(
  providerAccountIds: string[],
  readList: () => Promise<T>,
): Promise<{ list: T } | { failed: Map<string, ProviderError> }> {
  try {
    return { list: await readList() };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { failed: new Map(providerAccountIds.map((id) => [id, error])) };
  }
}
