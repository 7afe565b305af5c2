/**
 * Test support: validates the HTTP requests an adapter sends against the official OpenAPI files in
 * `../shared/specs/` (repo root), with openapi-backend (ajv underneath), so neither side can drift into an invented
 * format. Used by tests only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import YAML from 'yaml';
import type { FetchFn } from '../../../src/providers/shared/upstream';

export const specsDir = path.resolve(__dirname, '../../../../shared/specs');
export const specsAvailable = existsSync(specsDir);
export const specsMissingMessage = `Skipped: the official specs are not at ${specsDir} (../shared/specs from the repo root)`;

const specFiles = {
  BERLIN_GROUP: 'berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml',
  STET: 'stet/stet-ais-pis-1.5.0.json',
} as const;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * OpenAPI 3.0 schemas use JSON Schema draft-wright-00, where `exclusiveMinimum`/`exclusiveMaximum` are booleans
 * qualifying `minimum`/`maximum`; ajv 8 speaks draft-07, where they are numbers. The Berlin Group file uses the 3.0
 * form (`frequencyPerDay`), so it is rewritten to the draft-07 meaning before compiling.
 */
function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toDraft07(value);
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  return out;
}

export class SpecValidator {
  private constructor(
    private readonly api: OpenAPIBackend,
    /** Paths the spec leaves to the bank (STET's OAuth2 endpoints): not validated, listed in the report instead. */
    private readonly outOfSpec: RegExp[],
  ) {}

  static async load(standard: keyof typeof specFiles): Promise<SpecValidator> {
    const file = path.join(specsDir, specFiles[standard]);
    const text = readFileSync(file, 'utf8');
    const definition = toDraft07(file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Document;
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
    return (result.errors ?? []).map((error) => `${operationId} ${status} ${error.instancePath} ${error.message ?? ''}`);
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
    return (result.errors ?? []).map(
      (error) => `${request.method} ${specPath} ${error.instancePath} ${error.message ?? ''}`.trim(),
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
