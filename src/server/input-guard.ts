import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { perDocument } from '../common/per-document';
import { isStorableText } from '../common/text';

/**
 * Refuses, before execution, any string in an operation (a literal or a variable, however deeply nested) that
 * PostgreSQL cannot store: a NUL byte or a lone surrogate would otherwise surface as a database error from whichever
 * resolver first used it. The error names the argument or variable, as other input errors do.
 */
export function unstorableInputError(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | undefined {
  const inVariables = findUnstorable(variables ?? {}, '$');
  const field = inVariables ?? unstorableLiteral(document);
  if (field === undefined) return undefined;
  return new GraphQLError(`${field} holds a NUL character or an unpaired UTF-16 surrogate, which text cannot hold`, {
    extensions: { code: 'BAD_USER_INPUT', field },
  });
}

function findUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return path;
      const found = findUnstorable(item, path === '$' ? `$${key}` : `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

const unstorableLiteral = perDocument(findInLiterals);

function findInLiterals(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (found === undefined && !isStorableText(node.value))
        found = argumentPath(parent ? [...ancestors, parent] : ancestors);
    },
  });
  return found;
}

/** `input.items.reference` for a literal inside an input object argument. */
function argumentPath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const names = ancestors.flatMap((node) =>
    'kind' in node && (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) ? [node.name.value] : [],
  );
  return names.join('.') || 'query';
}

export function inputGuardPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const error = unstorableInputError(document, request.variables);
          if (error)
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
