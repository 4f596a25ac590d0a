import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CompleteContactDto, OfferAnswerDto } from '../agent-desk/agent-desk.dto.js';
import { bodyCheckFor } from '../common/validation.js';
import { CreateContactDto } from '../contacts/contact.dto.js';
import { RoutingDecisionRequestDto, RoutingEventDto } from './routing.dto.js';

/** What the global ValidationPipe decides: no violations (whitelist, forbidNonWhitelisted; Nest's pipe does not forbid unknown values). */
function classValidatorAccepts(dto: new () => object, body: Record<string, unknown>): boolean {
  return validateSync(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }).length === 0;
}

const decision = { channel: 'phone', callId: 'a84b4c76e66710@pbx.example.com', callerId: '+358401234567', callerName: 'Matti', calledNumber: '+358201234567', language: 'fi' };
const event = { event: 'answered', channel: 'phone', callId: 'a84b4c76e66710@pbx.example.com', decisionId: '5b0e8a52-1c1f-4a4e-9d2b-7f6a3c2e1d00', sipCode: 486, durationSec: 0, leg: 'agent', hangupBy: 'caller', ts: '2026-11-22T10:00:05.123Z' };
const contact = { channel: 'chat', queueId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', customerRef: 'web-7f3a9c', language: '', subject: 'Payment plan' };

/** Valid bodies and, field by field, values the decorators accept or refuse. */
const CASES: { dto: new () => object; valid: Record<string, unknown>; variants: Record<string, unknown[]> }[] = [
  {
    dto: RoutingDecisionRequestDto,
    valid: decision,
    variants: {
      channel: ['chat', '', null, undefined, 1],
      callId: ['', 'x'.repeat(255), 'x'.repeat(256), 7, null, undefined, '😀'],
      callerId: ['', 'x'.repeat(64), 'x'.repeat(65), null, undefined, 5],
      callerName: ['', 'x'.repeat(200), 'x'.repeat(201), null, undefined],
      calledNumber: ['', '1', 'x'.repeat(65), null, undefined],
      language: ['', 'sv', 'de', null, undefined],
      extra: ['not allowed'],
    },
  },
  {
    dto: RoutingEventDto,
    valid: event,
    variants: {
      event: ['ended', 'abandoned', 'failed', 'ringing', null, undefined],
      channel: ['phone', 'email', undefined],
      callId: ['', 'x'.repeat(256), undefined],
      decisionId: [undefined, null, '', 'x'.repeat(64), 'x'.repeat(65), 12],
      agentId: [undefined, null, 'x'.repeat(65)],
      leg: [undefined, null, 'caller', 'fallback', 'Agent', 'AGENT', 'bogus', '', 'agent ', 'x'.repeat(33), 3],
      hangupBy: [undefined, null, 'agent', 'system', 'Caller', 'FALLBACK', 'nobody', '', 'x'.repeat(33), 1],
      sipCode: [undefined, null, 100, 699, 99, 700, 486.5, '486'],
      durationSec: [undefined, null, 0, -1, 1.5, '3', 604_800, 604_801, 1e12],
      ts: [
        '2026-11-22', '2026-11-22T10:00:05Z', '2026-11-22T12:00:05.5+02:00', '2026-11-22t10:00:05z', '2026-11-22T10:00:05', '2026-02-30T10:00:00Z', '2028-02-29T00:00:00Z',
        '2026-11-22T10:00Z', '2026-11-22T24:00:00Z', '2026-W47-7T10:00:00Z', '20261122T100005Z', '1899-12-31T23:59:59Z', 'yesterday', '', null, undefined, 1795358479855,
      ],
      unknownField: [true],
    },
  },
  {
    dto: CreateContactDto,
    valid: contact,
    variants: {
      channel: ['email', 'phone', undefined],
      queueId: ['not-a-uuid', '', undefined, null, '9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D'],
      departmentId: ['3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'nope', 7],
      customerRef: ['', 'x'.repeat(200), 'x'.repeat(201), 'erased:0190a1b2-c3d4', 'not-erased:1', undefined],
      language: ['en', 'xx', undefined],
      subject: [undefined, null, '', 'x'.repeat(500), 'x'.repeat(501), 4],
      switchedFrom: [undefined, null, '', 'a84b4c76e66710@pbx.example.com', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'x'.repeat(201), 4],
      phoneNumber: [undefined, null, '+358401234567', '0401234567', '', '040 123 4567', 'anonymous', '1'.repeat(21), 358401234567],
      agentId: ['nope'],
    },
  },
  { dto: CompleteContactDto, valid: {}, variants: { wrapUpSeconds: [undefined, null, 0, 3600, 3601, -1, 2.5, '30'], other: [1] } },
  { dto: OfferAnswerDto, valid: {}, variants: { foo: [1, undefined], reason: [5, 'busy', null, undefined] } },
];

describe('quick checks of the hot request bodies', () => {
  it.each(CASES.map((c) => [c.dto.name, c] as const))('%s: a valid body takes the quick path', (_name, c) => {
    expect(bodyCheckFor(c.dto)?.(c.valid)).toBe(true);
    expect(classValidatorAccepts(c.dto, c.valid)).toBe(true);
  });

  it.each(CASES.map((c) => [c.dto.name, c] as const))('%s: the quick check accepts exactly what class-validator accepts', (_name, c) => {
    const check = bodyCheckFor(c.dto)!;
    let refused = 0;
    for (const [field, values] of Object.entries(c.variants)) {
      for (const value of values) {
        const body: Record<string, unknown> = { ...c.valid };
        if (value === undefined) delete body[field];
        else body[field] = value;
        const expected = classValidatorAccepts(c.dto, body);
        expect({ field, value, quick: check(body) }).toEqual({ field, value, quick: expected });
        if (!expected) refused++;
      }
    }
    expect(refused).toBeGreaterThan(2);
  });
});
