import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, tooManyRequests, unavailable } from '../../../../libs/core/src/domain-error.js';
import { problemFor, retryAfterOf } from './problem-details.filter.js';

describe('problem+json of errors', () => {
  const logged: unknown[] = [];
  const logger = { error: (m: unknown) => void logged.push(m) };
  beforeEach(() => {
    logged.length = 0;
  });

  it('keeps the status of an HTTP 503 thrown on purpose, and logs it (it became a 500 once)', () => {
    const body = problemFor(new HttpException('The thing is down for a moment', HttpStatus.SERVICE_UNAVAILABLE), '/v1/x', logger);
    expect(body).toEqual({ type: 'https://vuoro.dev/problems/http.503', title: 'Service Unavailable', status: 503, code: 'http.503', detail: 'The thing is down for a moment', instance: '/v1/x' });
    expect(logged).toEqual([expect.objectContaining({ status: 503, path: '/v1/x' })]);
  });

  it('answers an HTTP 500 as any defect: an error id, the error in the log', () => {
    const body = problemFor(new HttpException('secret detail', HttpStatus.INTERNAL_SERVER_ERROR), '/v1/x', logger);
    expect(body).toMatchObject({ status: 500, code: 'internal', errorId: expect.any(String) });
    expect(body.detail).not.toContain('secret');
  });

  it('answers a full capacity 429 and an unavailable one 503 with their codes and a Retry-After', () => {
    const busy = tooManyRequests('forecast.busy', 'busy', 12.2);
    expect(problemFor(busy, '/v1/x', logger)).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'forecast.busy' });
    expect(retryAfterOf(busy)).toBe(13);
    const down = unavailable('forecast.timeout', 'stopped', 4);
    expect(problemFor(down, '/v1/x', logger)).toMatchObject({ status: 503, code: 'forecast.timeout' });
    expect(retryAfterOf(down)).toBe(4);
    expect(retryAfterOf(new DomainError('unavailable', 'routing.not_owner', 'x'))).toBeUndefined();
    expect(retryAfterOf(new Error('x'))).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it('answers a delete blocked by an ON DELETE RESTRICT reference (SQLSTATE 23001) 409 naming the constraint, not 500', () => {
    const driverError = Object.assign(new Error('update or delete on table "queues" violates RESTRICT setting of foreign key constraint "contacts_queue_fk" on table "contacts"'), {
      code: '23001',
      constraint: 'contacts_queue_fk',
    });
    const body = problemFor(new QueryFailedError('DELETE FROM queues WHERE id = $1', ['x'], driverError), '/v1/queues/x', logger);
    expect(body).toMatchObject({ status: 409, code: 'resource.reference', errors: [{ field: 'contacts_queue_fk', rule: 'foreignKey' }] });
    expect(logged).toEqual([]);
  });
});
