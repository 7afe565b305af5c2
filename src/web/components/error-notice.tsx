import type { CombinedError } from 'urql';

/** A GraphQL or network error as one readable sentence, announced to screen readers. */
export function ErrorNotice({ error }: { error?: CombinedError }) {
  if (!error) return null;
  const message =
    error.graphQLErrors[0]?.message ??
    (error.networkError ? 'The gateway cannot be reached. Try again in a moment.' : error.message);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
