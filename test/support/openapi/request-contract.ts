/**
 * Test support: validates the HTTP requests an adapter sends against the official OpenAPI files in
 * `../shared/specs/` (repo root), with openapi-backend (ajv underneath), so neither side can drift into an invented
 * format. Used by tests only.
 */
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import type { FetchFn } from '../../../src/providers/shared/upstream';
import { readSpec, type SpecStandard } from './specs';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export class SpecValidator {
  private constructor(
    private readonly api: OpenAPIBackend,
    /** Paths the spec leaves to the bank (STET's OAuth2 endpoints): not validated, listed in the report instead. */
    private readonly outOfSpec: RegExp[],
  ) {}

  static async load(standard: SpecStandard): Promise<SpecValidator> {
    const definition = readSpec(standard) as unknown as Document;
    const api = new OpenAPIBackend({
      definition,
      // quick: the definition check of openapi-backend rejects the 3.0 boolean form rewritten above; ajv still
      // compiles every operation's request schema.
      quick: true,
      validate: true,
      ajvOpts: { strict: false, allErrors: true },
      customizeAjv: (ajv) => {
        addFormats(ajv);
        return ajv;
      },
    });
    await api.init();
    return new SpecValidator(api, standard === 'STET' ? [/^\/oauth\//] : []);
  }

  responseErrors({ operationId, status, body }: SpecResponseCheck): string[] {
    const result = this.api.validateResponse(body, operationId, status);
    return (result.errors ?? []).map(
      (error) => `${operationId} ${status} ${error.instancePath} ${error.message ?? ''}`,
    );
  }

  /** The spec's operationId for a request, undefined when none matches. */
  operationOf(request: RecordedRequest, baseUrl: string): string | undefined {
    const specPath = this.specPath(request, baseUrl);
    return this.api.matchOperation({ method: request.method.toLowerCase(), path: specPath, headers: {} })?.operationId;
  }

  private specPath(request: RecordedRequest, baseUrl: string): string {
    const { pathname } = new URL(request.url);
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    return pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  }

  /**
   * Errors for one request (empty when it conforms); `baseUrl` is the bank's base, which the spec's paths follow.
   * With `bankAuthoredQuery`, the query is the bank's own (a `_links.next` href followed as given, HAL links being
   * opaque to the client): path, headers and body are still checked.
   */
  validate(request: RecordedRequest, baseUrl: string, options: { bankAuthoredQuery?: boolean } = {}): string[] {
    const url = new URL(request.url);
    const specPath = this.specPath(request, baseUrl);
    if (this.outOfSpec.some((pattern) => pattern.test(specPath))) return [];
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const contentType = headers['content-type'] ?? '';
    const body = request.body && contentType.includes('json') ? JSON.parse(request.body) : request.body;
    const query: Record<string, string | string[]> = {};
    if (!options.bankAuthoredQuery) {
      url.searchParams.forEach((value, key) => {
        const existing = query[key];
        query[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
      });
    }
    const operation = this.api.matchOperation({ method: request.method.toLowerCase(), path: specPath, headers });
    if (!operation) return [`${request.method} ${specPath} is not an operation of the spec`];
    const result = this.api.validateRequest(
      { method: request.method.toLowerCase(), path: specPath, query, headers, body },
      operation,
    );
    return (result.errors ?? []).map((error) =>
      `${request.method} ${specPath} ${error.instancePath} ${error.message ?? ''}`.trim(),
    );
  }
}

export interface SpecResponseCheck {
  operationId: string;
  status: number;
  body: unknown;
}

/** A fetch that remembers every request before passing it on. */
export function recordingFetch(inner: FetchFn = (input, init) => fetch(input, init)): {
  fetch: FetchFn;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push({
        method: init.method ?? 'GET',
        url: input,
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? init.body : undefined,
      });
      return inner(input, init);
    },
  };
}
