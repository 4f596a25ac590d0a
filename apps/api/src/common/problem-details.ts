import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldViolationDto {
  @ApiProperty({ example: 'skills[0].proficiency' })
  field: string;

  @ApiProperty({ example: 'max', description: 'The rule the field broke (class-validator constraint or database constraint name).' })
  rule: string;

  @ApiProperty({ example: 'proficiency must not be greater than 5' })
  message: string;
}

/** RFC 9457 problem details. `code` is stable; clients switch on it, not on `detail`. */
export class ProblemDto {
  @ApiProperty({ example: 'https://vuoro.dev/problems/validation.failed' })
  type: string;

  @ApiProperty({ example: 'Unprocessable Content' })
  title: string;

  @ApiProperty({ type: 'integer', example: 422 })
  status: number;

  @ApiProperty({ example: 'validation.failed' })
  code: string;

  @ApiProperty({ example: 'The request body is invalid: 1 field broke a rule' })
  detail: string;

  @ApiPropertyOptional({ example: '/v1/agents' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldViolationDto] })
  errors?: FieldViolationDto[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-25T06:00:00.000Z',
    description: 'Only on 409 queue.closed: when the queue next opens (null: its calendar never opens again).',
  })
  opensAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2026-11-24T09:30:00.000Z',
    description: 'Only on 422 idempotency.key_reused: when the Idempotency-Key was first used (with another request body).',
  })
  firstUsedAt?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', description: 'Only on 422 idempotency.key_reused: the contact the first use of the Idempotency-Key created.' })
  contactId?: string;

  @ApiPropertyOptional({ example: '4f0c3a0e-6a55-4c39-9d5b-2f9a1b0c7d11', description: 'Only on 500: the id under which the error is logged.' })
  errorId?: string;
}

/** OpenAPI: the Retry-After header of a 429 or 503 whose error gives one (ProblemDetailsFilter sets it). */
export const RETRY_AFTER = { 'Retry-After': { description: 'Whole seconds after which a retry may succeed: the expected time for the work ahead in line.', schema: { type: 'integer', minimum: 1, example: 12 } } };

export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Partial<ProblemDto> = {}): ProblemDto {
  return {
    type: `https://vuoro.dev/problems/${code}`,
    title: STATUS_TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}
