import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readSpec, type SpecStandard } from './specs';

/**
 * Checks answers against an official OpenAPI 3.0 document with Ajv: the document is registered once as a schema, so
 * every `$ref` resolves inside it, and each answer is validated against the schema its path, method, status and
 * media type select. Parse once per test file: the Berlin Group yaml is half a megabyte.
 */

type Json = Record<string, unknown>;

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly doc: Json;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; regex: RegExp; literal: number }[];

  constructor(standard: SpecStandard, patch?: (doc: Json) => void) {
    this.doc = readSpec(standard);
    patch?.(this.doc);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, 'spec');
    this.templates = Object.keys(this.doc.paths as Json).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literal: template.replace(/\{[^}]+\}/g, '').length,
    }));
  }

  /** The documented path template an actual path falls under, preferring the most specific. */
  template(path: string): string | undefined {
    return this.templates.filter((t) => t.regex.test(path)).sort((a, b) => b.literal - a.literal)[0]?.template;
  }

  /**
   * Validation errors for one answer, empty when it conforms. `path` is relative to the API root (the spec's
   * server URL), e.g. `/v1/accounts` or `/accounts`.
   */
  errors(method: string, path: string, status: number, contentType: string | null, body: string): string[] {
    const template = this.template(path);
    if (!template) return [`${path} is not a documented path`];
    const operation = (this.doc.paths as Record<string, Json>)[template][method.toLowerCase()] as Json | undefined;
    if (!operation) return [`${method} ${template} is not documented`];
    const responses = operation.responses as Json;
    let location = pointer('paths', template, method.toLowerCase(), 'responses', String(status));
    let response = responses[String(status)] as Json | undefined;
    if (!response) return [`${method} ${template} documents no ${status} answer`];
    if (typeof response.$ref === 'string') {
      location = response.$ref.slice(2);
      response = location
        .split('/')
        .reduce<Json>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, this.doc);
    }
    const content = response.content as Json | undefined;
    if (!content || Object.keys(content).length === 0) {
      return body.length === 0 ? [] : [`${method} ${template} ${status} documents no body, got ${body.slice(0, 80)}`];
    }
    const mediaTypes = Object.keys(content);
    const actual = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const mediaType = mediaTypes.find((m) => m.split(';')[0].trim().toLowerCase() === actual);
    if (!mediaType)
      return [`${method} ${template} ${status}: content type ${contentType} is not one of ${mediaTypes.join(', ')}`];
    const ref = `spec#/${location}/${pointer('content', mediaType, 'schema')}`;
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, validate);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${method} ${template} ${status}: body is not JSON`];
    }
    if (validate(parsed)) return [];
    return (validate.errors ?? []).map(
      (e) => `${method} ${template} ${status}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }
}
