import { unwrapResolverError } from '@apollo/server/errors';
import type { ErrorRequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { INTERNAL_ERROR, toClientError } from '../common/errors';
import type { Logger } from '../logger';

/**
 * The one place errors are shaped for clients, over HTTP, WebSocket and plain HTTP routes: domain and provider
 * errors get their code (`toClientError`), validation errors name the field, and anything unexpected becomes a
 * generic INTERNAL_SERVER_ERROR (logged here, with its stack, and never sent).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof ArgumentValidationError) {
      const [field, message] = firstViolation(original.extensions.validationErrors);
      return { ...base, message, extensions: { code: 'BAD_USER_INPUT', field } };
    }
    const expected = toClientError(original);
    if (expected) return { ...base, ...expected };
    const code = formatted.extensions?.code;
    if (code === 'UNAUTHORIZED') {
      // type-graphql's @Authorized denial: the caller is known but lacks the scope.
      return { ...base, message: 'this API key may not do that', extensions: { code: 'FORBIDDEN' } };
    }
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: original }, 'unexpected error while serving a GraphQL request');
      return { ...base, ...INTERNAL_ERROR };
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
  const formatOne = (
    error: GraphQLError,
    ownCode: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT',
  ): GraphQLFormattedError => {
    const formatted = error.toJSON();
    if (error.path || formatted.extensions?.code !== undefined) return format(formatted, error);
    return format({ ...formatted, extensions: { ...formatted.extensions, code: ownCode } }, error);
  };
  return {
    /** Errors in an execution result: uncoded ones outside a field come from variable coercion. */
    result: (errors: readonly GraphQLError[]) => errors.map((error) => formatOne(error, 'BAD_USER_INPUT')),
    /** Errors that stop an operation before it runs: parse and validation. */
    refusal: (errors: readonly GraphQLError[]) => errors.map((error) => formatOne(error, 'GRAPHQL_VALIDATION_FAILED')),
  };
}

/** A missing or bad API key: a GraphQLError, so that Apollo answers HTTP 401 (and graphql-ws refuses the connection). */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Malformed bodies are refused in GraphQL's error shape, never as an HTML page or a stack trace. */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, _next) => {
    if (error.type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (error.type === 'entity.too.large') {
      res
        .status(413)
        .json({ errors: [{ message: 'the request body is larger than 1 MB', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err: error }, 'unexpected error while serving an HTTP request');
    res.status(error.status && error.status < 500 ? error.status : 500).json({ errors: [INTERNAL_ERROR] });
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
