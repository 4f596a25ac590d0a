import { startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: unknown;
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
}

interface Schema {
  properties?: Record<string, { example?: unknown; $ref?: string; items?: unknown; allOf?: unknown; enum?: unknown[] }>;
  required?: string[];
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> } };

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

  it('gives every operation a summary and a success response, and every response a description', () => {
    for (const { key, op } of operations()) {
      expect({ key, summary: Boolean(op.summary) }).toEqual({ key, summary: true });
      expect({ key, success: Object.keys(op.responses).some((s) => s.startsWith('2')) }).toEqual({ key, success: true });
      for (const [status, response] of Object.entries(op.responses)) {
        expect({ key, status, described: Boolean((response as { description?: string }).description) }).toEqual({ key, status, described: true });
      }
    }
  });

  it('documents the API-key scheme and 401/403 on every protected operation, and 4xx on every write', () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['api-key']);
    for (const { key, op } of operations()) {
      if (key.includes('/v1/surveys/{token}')) {
        // public (the survey token is the key); still 4xx on its body
        if (op.requestBody) expect({ key, has422: '422' in op.responses }).toEqual({ key, has422: true });
        continue;
      }
      if (key.includes('/health') || key.includes('/metrics')) continue;
      expect({ key, security: op.security }).toEqual({ key, security: [{ 'api-key': [] }] });
      expect({ key, codes: ['401', '403'].every((c) => c in op.responses) }).toEqual({ key, codes: true });
      if (op.requestBody) expect({ key, has422: '422' in op.responses }).toEqual({ key, has422: true });
    }
  });

  it('gives every scalar property of the request and response schemas an example', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const [property, spec] of Object.entries(schema.properties ?? {})) {
        const nested = spec.$ref || spec.allOf || (spec.items && typeof spec.items === 'object' && '$ref' in spec.items);
        if (nested) continue;
        expect({ at: `${name}.${property}`, hasExample: spec.example !== undefined }).toEqual({ at: `${name}.${property}`, hasExample: true });
      }
    }
  });

  describe('the telephony decision (the SIP proxy reads exactly one of three shapes)', () => {
    const ref = (name: string) => `#/components/schemas/${name}`;
    const shapes = {
      agent: { schema: 'RoutingDecisionAgentDto', properties: ['decisionId', 'decision', 'agentId', 'target'], required: ['decisionId', 'decision', 'agentId', 'target'] },
      queue: {
        schema: 'RoutingDecisionQueueDto',
        properties: ['decisionId', 'decision', 'queueId', 'position', 'estimatedWaitSeconds', 'fallbackTarget', 'callbackOffered'],
        required: ['decisionId', 'decision', 'queueId', 'position', 'estimatedWaitSeconds'],
      },
      reject: { schema: 'RoutingDecisionRejectDto', properties: ['decisionId', 'decision', 'sipCode', 'reason'], required: ['decisionId', 'decision', 'sipCode', 'reason'] },
    };

    it.each([
      ['post', '/v1/routing/decisions'],
      ['get', '/v1/routing/decisions/{callId}'],
    ])('%s %s answers a oneOf of the three shapes, told apart by decision', (method, path) => {
      const ok = doc.paths[path][method].responses['200'] as { content: Record<string, { schema: unknown }> };
      expect(ok.content['application/json'].schema).toEqual({
        oneOf: Object.values(shapes).map((s) => ({ $ref: ref(s.schema) })),
        discriminator: { propertyName: 'decision', mapping: Object.fromEntries(Object.entries(shapes).map(([d, s]) => [d, ref(s.schema)])) },
      });
    });

    it('gives each shape only its own fields, the required ones required, and decision its single value', () => {
      for (const [decision, shape] of Object.entries(shapes)) {
        const schema = doc.components.schemas[shape.schema];
        expect({ decision, properties: Object.keys(schema.properties ?? {}).sort(), required: [...(schema.required ?? [])].sort() }).toEqual({
          decision,
          properties: [...shape.properties].sort(),
          required: [...shape.required].sort(),
        });
        expect(schema.properties?.decision).toMatchObject({ enum: [decision], example: decision });
      }
      expect(doc.components.schemas).not.toHaveProperty('RoutingDecisionDto');
    });

    it('documents the long poll waitSeconds as the integer 0–30 it is validated as', () => {
      const param = doc.paths['/v1/routing/decisions/{callId}'].get.parameters?.find((p) => p.name === 'waitSeconds');
      expect(param).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: 30, default: 0 } });
    });
  });
});
