import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: unknown;
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
}

interface PropertySchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  $ref?: string;
  items?: PropertySchema;
  allOf?: unknown;
  enum?: unknown[];
}

interface Schema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

type Rule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/**
 * The DTO classes the application validates: every class class-validator holds rules for (its
 * storage is global; it has no public list, hence the cast), and every route's @Body() and @Query()
 * type (a subclass may add no rules of its own), with the operations (ids) whose query a class is.
 */
function validatedClasses(t: TestApp): { classes: Set<Function>; queryOperations: Map<Function, string[]> } {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function | string, Rule[]> };
  const classes = new Set([...storage.validationMetadatas.keys()].filter((target): target is Function => typeof target === 'function'));
  const queryOperations = new Map<Function, string[]>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const { metatype: controller } of module.controllers.values()) {
      if (!controller) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
        const types: unknown[] = Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? [];
        for (const [key, { index, data }] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          const type = types[index];
          if (data !== undefined || typeof type !== 'function' || (kind !== RouteParamtypes.BODY && kind !== RouteParamtypes.QUERY)) continue;
          classes.add(type);
          if (kind === RouteParamtypes.QUERY) queryOperations.set(type, [...(queryOperations.get(type) ?? []), `${controller.name}_${method}`]);
        }
      }
    }
  }
  return { classes, queryOperations };
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

  it('documents every error response as the application/problem+json it is sent as, those of the event streams and CSV reports included', () => {
    const problemJson = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };
    const wrong: string[] = [];
    let problems = 0;
    for (const { key, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>)) {
        if (!/^[45]/.test(status)) continue;
        const problem = Object.values(response.content ?? {}).some((t) => t.schema?.$ref === '#/components/schemas/ProblemDto') || /problem\+json/.test(response.description ?? '');
        if (!problem) continue;
        problems++;
        if (JSON.stringify(response.content) !== JSON.stringify(problemJson)) wrong.push(`${key} ${status}: ${Object.keys(response.content ?? {}).join(', ') || 'no content'}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(problems).toBeGreaterThan(300);
    for (const path of ['/v1/queues/{id}/stats/stream', '/v1/agents/{id}/offers/stream']) {
      const { responses } = doc.paths[path].get;
      expect({ path, types: Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, Object.keys((r as { content: object }).content)])) }).toEqual({
        path,
        types: { '200': ['text/event-stream'], '401': ['application/problem+json'], '403': ['application/problem+json'], '404': ['application/problem+json'] },
      });
    }
  });

  it('documents Retry-After on every 429 (a full line of CPU-heavy work says when to retry), and the problem code it answers', () => {
    const missing: string[] = [];
    let lines = 0;
    for (const { key, op } of operations()) {
      const busy = op.responses['429'] as { description?: string; headers?: Record<string, { schema?: { type?: string } }> } | undefined;
      if (!busy) continue;
      lines++;
      if (busy.headers?.['Retry-After']?.schema?.type !== 'integer') missing.push(`${key}: no Retry-After`);
      if (!/`[a-z_]+\.busy`/.test(busy.description ?? '')) missing.push(`${key}: no \`<line>.busy\` code`);
    }
    expect(missing).toEqual([]);
    expect(lines).toBeGreaterThanOrEqual(6);
  });

  it('answers the event streams\' errors as the problem+json documents the document says they are', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/v1/queues/${id}/stats/stream`, `/v1/agents/${id}/offers/stream`]) {
      const unauthorized = await t.http.get(path).expect(401);
      const missing = await t.http.get(path).set('Authorization', `Bearer ${t.adminKey}`).expect(404);
      for (const res of [unauthorized, missing]) expect({ path, type: res.headers['content-type'] }).toEqual({ path, type: expect.stringMatching(/^application\/problem\+json/) });
    }
  });

  it('lists the skip reasons of an explanation, email blending and call draining included', () => {
    const reasons = (schema: string) => doc.components.schemas[schema]?.properties?.reason?.enum;
    expect(reasons('SkippedAgentDto')).toEqual(expect.arrayContaining(['on-call', 'chat-in-progress', 'email-blending', 'call-draining']));
    expect(reasons('SkippedContactDto')).toEqual(expect.arrayContaining(['call-draining', 'unknown-queue']));
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

  it('documents every property validated with @IsInt (with its @Min and @Max as minimum and maximum) or with @IsIn of whole numbers as an integer', () => {
    const storage = getMetadataStorage();
    const { classes, queryOperations } = validatedClasses(t);
    const documented: Function[] = [];
    const undocumented: Function[] = [];
    const actual: Record<string, unknown>[] = [];
    const expected: Record<string, unknown>[] = [];
    for (const dto of classes) {
      const rules = storage.getTargetValidationMetadatas(dto, '', false, false);
      const wholeNumbers = (r: Rule) => r.name === 'isIn' && (r.constraints?.[0] as unknown[]).every((value) => Number.isInteger(value));
      const integers = rules.filter((r) => r.name === 'isInt' || wholeNumbers(r));
      if (!integers.length) continue;
      // Where the class is documented: its component schema, or the query parameters of the operations it is the query of.
      const places: { at: string; property: (name: string) => PropertySchema | undefined }[] = [];
      const schema = doc.components.schemas[dto.name];
      if (schema) places.push({ at: dto.name, property: (name) => schema.properties?.[name] });
      for (const operationId of queryOperations.get(dto) ?? []) {
        const op = operations().find(({ op }) => (op as { operationId?: string }).operationId?.replace(/\[\d+\]$/, '') === operationId)?.op;
        if (op) places.push({ at: `${operationId} query`, property: (name) => op.parameters?.find((p) => p.in === 'query' && p.name === name)?.schema as PropertySchema | undefined });
      }
      (places.length ? documented : undocumented).push(dto);
      for (const { at, property } of places) {
        for (const rule of integers) {
          const bound = (name: 'min' | 'max') => rules.find((r) => r.propertyName === rule.propertyName && r.name === name)?.constraints?.[0] as number | undefined;
          const found = property(rule.propertyName);
          const spec = rule.each ? found?.items : found;
          if (rule.name === 'isIn') {
            actual.push({ at: `${at}.${rule.propertyName}`, type: spec?.type });
            expected.push({ at: `${at}.${rule.propertyName}`, type: 'integer' });
            continue;
          }
          actual.push({ at: `${at}.${rule.propertyName}`, type: spec?.type, minimum: spec?.minimum, maximum: spec?.maximum });
          expected.push({ at: `${at}.${rule.propertyName}`, type: 'integer', minimum: bound('min'), maximum: bound('max') });
        }
      }
    }
    expect(actual).toEqual(expected);
    expect(actual.length).toBeGreaterThan(50);
    // A class with integer rules that is nowhere in the document is only a base of one that is (PageQueryDto).
    expect(undocumented.filter((base) => !documented.some((dto) => dto.prototype instanceof base)).map((dto) => dto.name)).toEqual([]);
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

    it("describes each shape's decisionId by what it names: the offer, the waiting call's decision, the rejected call's decision", () => {
      const described = Object.fromEntries(Object.entries(shapes).map(([decision, s]) => [decision, (doc.components.schemas[s.schema].properties?.decisionId as { description?: string }).description ?? '']));
      expect(described.agent).toMatch(/^The reservation \(offer\) id of this agent's leg/);
      expect(described.queue).toMatch(/^The call's decision id .* the same in every answer while the call waits/);
      expect(described.reject).toMatch(/^The call's decision id: a retried request with the same Call-ID gets the same decision/);
      expect(new Set(Object.values(described)).size).toBe(3);
    });

    it('documents the place in line, the estimated wait and the SIP codes as integers', () => {
      const property = (schema: string, name: string) => doc.components.schemas[schema].properties?.[name];
      expect(property('RoutingDecisionQueueDto', 'position')).toMatchObject({ type: 'integer', minimum: 1 });
      expect(property('RoutingDecisionQueueDto', 'estimatedWaitSeconds')).toMatchObject({ type: 'integer', minimum: 0 });
      expect(property('RoutingDecisionRejectDto', 'sipCode')).toMatchObject({ type: 'integer', minimum: 400, maximum: 699 });
      expect(property('RoutingEventDto', 'sipCode')).toMatchObject({ type: 'integer', minimum: 100, maximum: 699 });
    });

    it('documents the long poll waitSeconds as the integer 0–30 it is validated as', () => {
      const param = doc.paths['/v1/routing/decisions/{callId}'].get.parameters?.find((p) => p.name === 'waitSeconds');
      expect(param).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: 30, default: 0 } });
    });
  });
});
