import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, type DomainErrorKind } from '../../../../libs/core/src/domain-error.js';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemDto } from './problem-details.js';
import { isPoolWaitTimeout } from '../../../../libs/persistence/src/data-source.js';

function statusOf(kind: DomainErrorKind): number {
  switch (kind) {
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'unprocessable':
      return 422;
    case 'forbidden':
      return 403;
    case 'unauthenticated':
      return 401;
    case 'gone':
      return 410;
    case 'unavailable':
      return 503;
    case 'too-many-requests':
      return 429;
    default: {
      const exhaustive: never = kind;
      return exhaustive;
    }
  }
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Database constraint violations that slipped past validation still get a 4xx naming the rule. */
function fromDatabase(error: QueryFailedError, instance: string): ProblemDto | null {
  const pg = error.driverError as PgError;
  const rule = pg.constraint ?? 'constraint';
  switch (pg.code) {
    case '23505':
      return problem(409, 'resource.conflict', `A resource with the same unique value exists (${rule})`, { instance, errors: [{ field: rule, rule: 'unique', message: 'must be unique' }] });
    case '23503':
    // restrict_violation: a delete blocked by an ON DELETE RESTRICT reference (contacts_queue_fk, …).
    case '23001':
      return problem(409, 'resource.reference', `The operation breaks a reference between resources (${rule})`, { instance, errors: [{ field: rule, rule: 'foreignKey', message: 'refers to a resource that does not exist or is still referenced' }] });
    case '23514':
    case '23502':
    case '22P02':
    case '22003':
      return problem(422, 'validation.failed', `The values break a rule of the data model (${rule})`, { instance, errors: [{ field: rule, rule: 'check', message: 'breaks a database rule' }] });
    default:
      return null;
  }
}

/**
 * A request path as the log may hold it: a gateway's customer reference in it
 * (`/v1/customers/{customerRef}/…`, personal data) is replaced by its parameter's name.
 */
export function loggablePath(path: string): string {
  return path.replace(/^\/v1\/customers\/[^/?#]+/, '/v1/customers/{customerRef}');
}

/**
 * The problem+json body of any error: domain errors with their status, HTTP errors with theirs
 * (a 5xx one other than 500 is also logged), constraint violations mapped to the rule they broke;
 * anything else is a 500 with only an error id, and the id, the error and its stack go to the log.
 * Shared by the filter and the hot path.
 */
export function problemFor(exception: unknown, instance: string, logger: Pick<Logger, 'error'>): ProblemDto {
  if (exception instanceof DomainError) {
    return problem(statusOf(exception.kind), exception.code, exception.message, {
      instance,
      ...(exception.violations.length ? { errors: exception.violations } : {}),
      ...exception.extensions,
    });
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: string | string[] }).message ?? exception.message);
    const detail = Array.isArray(message) ? message.join('; ') : message;
    const code = status === 404 ? 'route.not_found' : status === 413 ? 'request.too_large' : status === 400 ? 'request.malformed' : `http.${status}`;
    // A 503 (or 502, 504) thrown on purpose keeps its status (it became a 500 once); a 500 is a defect.
    if (status < 500) return problem(status, code, detail, { instance });
    if (status !== 500) {
      logger.error({ msg: 'answered with a server error', status, path: loggablePath(instance), detail });
      return problem(status, code, detail, { instance });
    }
  }
  if (exception instanceof QueryFailedError) {
    const mapped = fromDatabase(exception, instance);
    if (mapped) return mapped;
  }
  if (isPoolWaitTimeout(exception)) {
    logger.error({ msg: 'no database connection became free in time (DATABASE_POOL_WAIT_MS)', path: loggablePath(instance) });
    return problem(503, 'database.busy', 'No database connection became free in time; retry shortly.', { instance });
  }
  const errorId = randomUUID();
  logger.error({ msg: 'unhandled error', errorId, path: loggablePath(instance), err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception) });
  return problem(500, 'internal', 'An unexpected error occurred. Quote the error id when reporting it.', { instance, errorId });
}

/** The Retry-After (seconds) an error asks for, if any. */
export function retryAfterOf(exception: unknown): number | undefined {
  return exception instanceof DomainError && exception.retryAfterSeconds !== undefined ? Math.max(1, Math.ceil(exception.retryAfterSeconds)) : undefined;
}

/** Every error leaves as RFC 9457 problem+json (problemFor), with a Retry-After header when the error gives one. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const instance = request.originalUrl?.split('?')[0] ?? request.url;
    const body = problemFor(exception, instance, this.logger);
    if (response.headersSent) return;
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
}
