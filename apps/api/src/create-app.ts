import type { INestApplication } from '@nestjs/common';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { PROBLEM_CONTENT_TYPE } from './common/problem-details.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig, LogLevel } from './config/app-config.js';
import { jsonBodiesOnly } from './http/json-bodies-only.js';
import { installHotPath } from './http/hot-path.js';
import { HOT_ROUTES } from './http/hot-routes.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>): ConsoleLogger {
  return new ConsoleLogger({
    json: config.logFormat === 'json',
    colors: config.logFormat === 'pretty',
    logLevels: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Vuoro API')
    .setDescription(
      'Omnichannel contact routing and workforce planning. Authenticate with `Authorization: Bearer <API key>`; ' +
        'roles: admin, supervisor, manager, agent, telephony. Errors are RFC 9457 `application/problem+json` with a stable `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (`vuoro_…`).' }, 'api-key')
    .build();
  return problemsAsProblemJson(describeBareResponses(SwaggerModule.createDocument(app, options)));
}

/** What a response of each status means wherever an operation does not say more itself. */
const RESPONSE_MEANINGS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'Done; no body',
  '400': 'The body is not valid JSON (problem+json, code request.malformed)',
  '401': 'No API key, or an unknown or revoked one (problem+json)',
  '403': "The key's role may not call this (problem+json)",
  '404': 'Not found (problem+json naming what)',
  '409': 'Conflicts with the current state (problem+json with a stable code)',
  '415': 'Not a JSON body (problem+json)',
  '422': 'Validation failed: `errors` names each field and the rule it broke (problem+json)',
  '503': 'The database is busy or unreachable; retry (problem+json)',
};

/** Fills the empty descriptions @ApiResponse leaves (an audit found most 2xx and 4xx responses bare in Swagger). */
export function describeBareResponses(doc: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(doc.paths)) {
    for (const op of Object.values(path)) {
      const responses = (op as { responses?: Record<string, { description?: string }> } | undefined)?.responses;
      if (!responses || typeof responses !== 'object') continue;
      for (const [status, response] of Object.entries(responses)) {
        if (response && typeof response === 'object' && !response.description) response.description = RESPONSE_MEANINGS[status] ?? `HTTP ${status}`;
      }
    }
  }
  return doc;
}

/**
 * Documents every error response with a ProblemDto body under the media type it is sent with,
 * application/problem+json (the problem-details filter, the hot path and the 415 answer alike).
 * The document's generator lists an operation's @ApiProduces types for every response of it, so
 * the 401/403/404 of the event streams read `text/event-stream`, those of the CSV reports
 * `text/csv`, and all others `application/json`.
 */
export function problemsAsProblemJson(doc: OpenAPIObject): OpenAPIObject {
  const problem = { $ref: '#/components/schemas/ProblemDto' };
  for (const path of Object.values(doc.paths)) {
    for (const op of Object.values(path)) {
      const responses = (op as { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined)?.responses;
      if (!responses || typeof responses !== 'object') continue;
      for (const [status, response] of Object.entries(responses)) {
        const types = Object.values(response?.content ?? {});
        if (!/^[45]/.test(status) || !types.length || !types.every((t) => (t.schema as { $ref?: string } | undefined)?.$ref === problem.$ref)) continue;
        response.content = { [PROBLEM_CONTENT_TYPE]: { schema: problem } };
      }
    }
  }
  return doc;
}

/** Builds the configured application: used by main.ts and by the HTTP tests alike. */
export async function createApp(config: AppConfig, logger = createLogger(config)): Promise<NestExpressApplication> {
  // JSON bodies only: no form (urlencoded) parser; anything else is a 415 (jsonBodiesOnly).
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), { logger, bufferLogs: false, bodyParser: false });
  app.useGlobalPipes(createValidationPipe());
  app.use(jsonBodiesOnly);
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
  await app.init();
  installHotPath(app, HOT_ROUTES);
  return app;
}
