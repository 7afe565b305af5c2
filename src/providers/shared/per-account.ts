import { ProviderError } from '../types';

/**
 * Reads each account on its own, all at once. A bank's `ProviderError` fills only that account's slot, so one
 * missing account does not fail the others; anything else is a bug and fails the whole read.
 */
export async function readEachAccount<T>(
  providerAccountIds: string[],
  read: (providerAccountId: string) => Promise<T>,
): Promise<Map<string, T | ProviderError>> {
  const settled = await Promise.allSettled(providerAccountIds.map(read));
  const result = new Map<string, T | ProviderError>();
  settled.forEach((outcome, index) => {
    const id = providerAccountIds[index]!;
    if (outcome.status === 'fulfilled') result.set(id, outcome.value);
    else if (outcome.reason instanceof ProviderError) result.set(id, outcome.reason);
    else throw outcome.reason;
  });
  return result;
}
