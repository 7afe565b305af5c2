import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { DomainError, InvalidInputError } from '../common/errors';
import { ProviderError } from '../providers';
import type { Logger } from '../logger';

/**
 * The one place errors are shaped for clients: domain errors get their code, validation errors name the field, and
 * anything unexpected becomes a generic INTERNAL_SERVER_ERROR (logged here, with its stack, and never sent).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof ArgumentValidationError) {
      const [field, message] = firstViolation(original.extensions.validationErrors);
      return { ...base, message, extensions: { code: 'BAD_USER_INPUT', field } };
    }
    if (original instanceof InvalidInputError) {
      const reason = original.reason ? { reason: original.reason } : {};
      return { ...base, message: original.message, extensions: { code: original.code, field: original.field, ...reason } };
    }
    if (original instanceof ProviderError) {
      // The bank's failure, typed, on the part of the result it concerns; the rest of the query still resolves.
      const { institutionId, retryAt } = original.details;
      return {
        ...base,
        message: original.message,
        extensions: { code: original.code, institutionId, retryAt: retryAt?.toISOString() },
      };
    }
    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (code === 'UNAUTHORIZED') {
      // type-graphql's @Authorized denial: the caller is known but lacks the scope.
      return { ...base, message: 'this API key may not do that', extensions: { code: 'FORBIDDEN' } };
    }
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: original }, 'unexpected error while serving a GraphQL request');
      return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    // Apollo's own errors (parse, validation, variable coercion, UNAUTHENTICATED) already name what is wrong.
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}

/**
 * The same shaping for WebSocket results: graphql-ws sends errors as graphql-js made them, without Apollo, so a
 * subscription would otherwise hand clients raw codes (type-graphql's UNAUTHORIZED) and an unexpected error's own
 * message. An uncoded error outside any field (no path) is graphql-js's own (validation, variable coercion): its
 * message stays, under the code Apollo gives it over HTTP.
 */
export function createWebSocketFormatError(logger: Logger) {
  const format = createFormatError(logger);
  return (error: GraphQLError, ownCode: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT'): GraphQLFormattedError => {
    const formatted = error.toJSON();
    if (error.path || formatted.extensions?.code !== undefined) return format(formatted, error);
    return format({ ...formatted, extensions: { ...formatted.extensions, code: ownCode } }, error);
  };
}

/** class-validator nests violations of input objects; report the first, with its dotted path (`input.validForDays`). */
function firstViolation(errors: ValidationError[], parent = ''): [string, string] {
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) return [field, messages.join('; ')];
    if (error.children?.length) return firstViolation(error.children, field);
  }
  return [parent || 'input', 'invalid input'];
}
