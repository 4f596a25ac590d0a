import type { INestApplication } from '@nestjs/common';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
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
  return SwaggerModule.createDocument(app, options);
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
