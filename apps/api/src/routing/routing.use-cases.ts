import { Injectable } from '@nestjs/common';
import { notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { ContactRow, EntryPointRow, RoutingSettingsRow } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import type { WideningStep } from '../../../../libs/routing/src/model.js';
import { normalisedTelephonyEvent, type TelephonyEventInput } from '../../../../libs/routing/src/core/types.js';
import { RoutingRepository } from '../../../../libs/persistence/src/repositories/routing.repository.js';
import { PhoneNumbers } from '../common/phone-numbers.js';
import { DEFAULT_SETTINGS, RoutingCatalog } from './routing-catalog.js';
import { RoutingEngine, type PhoneDecision, type PhoneDecisionInput } from './routing-engine.js';
import type { EntryPointBodyDto, RoutingSettingsDto } from './routing.dto.js';

@Injectable()
export class DecideCallRoute {
  constructor(
    private readonly engine: RoutingEngine,
    private readonly numbers: PhoneNumbers,
  ) {}
  execute(input: PhoneDecisionInput): Promise<PhoneDecision> {
    // The caller's number in its one form (the IVR's and the CRM's spellings find the same customer);
    // a withheld number identifies no customer (no last agent, no history, no number to call back).
    const callerId = this.numbers.caller(input.callerId);
    return this.engine.decidePhone(callerId === input.callerId ? input : { ...input, callerId });
  }
}

@Injectable()
export class PollCallDecision {
  constructor(private readonly engine: RoutingEngine) {}
  execute(callId: string, waitSeconds: number): Promise<PhoneDecision> {
    return this.engine.pollPhoneDecision(callId, waitSeconds);
  }
}

@Injectable()
export class RecordTelephonyEvent {
  constructor(private readonly engine: RoutingEngine) {}
  /** `leg` and `hangupBy` (validated, any case) reach the engines in their canonical spelling. */
  execute(event: TelephonyEventInput): Promise<{ applied: boolean; detail: string }> {
    return this.engine.telephonyEvent(normalisedTelephonyEvent(event));
  }
}

@Injectable()
export class RequestCallback {
  constructor(
    private readonly engine: RoutingEngine,
    private readonly numbers: PhoneNumbers,
  ) {}
  /** `callbackNumber`: keyed in to the IVR (a plausible number, validated), in the one form callers are found by. */
  execute(callId: string, callbackNumber?: string | null): Promise<ContactRow> {
    // null (an optional member sent as null) is no number, as leaving it out.
    return this.engine.requestCallback(callId, callbackNumber === undefined || callbackNumber === null ? undefined : this.numbers.customer(callbackNumber));
  }
}

async function checkQueue(repo: RoutingRepository, queueId: string, field = 'queueId'): Promise<void> {
  if (!(await repo.queueForRouting(queueId))) {
    throw unprocessable('validation.failed', 'The queue does not exist', [{ field, rule: 'exists', message: `queue ${queueId} does not exist` }]);
  }
}

@Injectable()
export class ListEntryPoints {
  constructor(private readonly repo: RoutingRepository) {}
  execute(): Promise<EntryPointRow[]> {
    return this.repo.listEntryPoints();
  }
}

@Injectable()
export class GetEntryPoint {
  constructor(private readonly repo: RoutingRepository) {}
  async execute(id: string): Promise<EntryPointRow> {
    return (await this.repo.findEntryPoint(id)) ?? Promise.reject(notFound('entry_point', id));
  }
}

@Injectable()
export class SaveEntryPoint {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly catalog: RoutingCatalog,
  ) {}
  async execute(id: string | null, body: EntryPointBodyDto): Promise<EntryPointRow> {
    if (id && !(await this.repo.findEntryPoint(id))) throw notFound('entry_point', id);
    await checkQueue(this.repo, body.queueId);
    const saved = await this.repo.saveEntryPoint(id, { calledNumber: body.calledNumber, name: body.name, queueId: body.queueId });
    await this.catalog.invalidate();
    return saved ?? Promise.reject(notFound('entry_point', id ?? ''));
  }
}

@Injectable()
export class DeleteEntryPoint {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly catalog: RoutingCatalog,
  ) {}
  async execute(id: string): Promise<void> {
    if (!(await this.repo.deleteEntryPoint(id))) throw notFound('entry_point', id);
    await this.catalog.invalidate();
  }
}

@Injectable()
export class GetRoutingSettings {
  constructor(private readonly repo: RoutingRepository) {}
  async execute(queueId: string): Promise<RoutingSettingsRow> {
    const q = await this.repo.queueForRouting(queueId);
    if (!q) throw notFound('queue', queueId);
    return q.settings ?? DEFAULT_SETTINGS;
  }
}

@Injectable()
export class PutRoutingSettings {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly catalog: RoutingCatalog,
  ) {}
  async execute(queueId: string, body: RoutingSettingsDto): Promise<RoutingSettingsRow> {
    const queue = await this.repo.queueForRouting(queueId);
    if (!queue) throw notFound('queue', queueId);
    const steps = body.wideningSteps ?? null;
    // A setting that would be stored and do nothing is refused: a callback is offered to a waiting
    // caller only; the lent-agent delay places the last of the default steps only.
    const idle: FieldViolation[] = [];
    if ((body.callbackThresholdSeconds ?? null) !== null && queue.channel !== 'phone') {
      idle.push({ field: 'callbackThresholdSeconds', rule: 'phoneOnly', message: `callbacks are offered to waiting callers: queue ${queueId} is a ${queue.channel} queue` });
    }
    if ((body.pollGraceSeconds ?? null) !== null && queue.channel !== 'phone') {
      idle.push({ field: 'pollGraceSeconds', rule: 'phoneOnly', message: `only waiting calls are long-polled: queue ${queueId} is a ${queue.channel} queue` });
    }
    if ((body.lentAgentDelaySeconds ?? null) !== null && steps !== null) {
      idle.push({ field: 'lentAgentDelaySeconds', rule: 'defaultStepsOnly', message: "applies to the default widening steps only (wideningSteps null); the queue's own steps say when lent agents join (agents: department-and-lent)" });
    }
    if (idle.length) throw unprocessable('validation.failed', 'Settings that would have no effect on this queue', idle);
    const unordered = (steps ?? []).findIndex((step, i) => i > 0 && step.afterSeconds <= steps![i - 1].afterSeconds);
    if (unordered > 0) {
      throw unprocessable('validation.failed', 'Widening steps must come in order of waiting time', [
        { field: `wideningSteps[${unordered}].afterSeconds`, rule: 'ascending', message: `afterSeconds must be greater than the previous step's (${steps![unordered - 1].afterSeconds})` },
      ]);
    }
    const settings: RoutingSettingsRow = {
      wrapUpSeconds: body.wrapUpSeconds,
      offerTimeoutSeconds: body.offerTimeoutSeconds ?? null,
      callbackThresholdSeconds: body.callbackThresholdSeconds ?? null,
      fallbackTarget: body.fallbackTarget ?? null,
      meanHandleSeconds: body.meanHandleSeconds,
      // Only the fields a step has (class-transformer leaves absent ones undefined).
      wideningSteps: steps && steps.map((st) => Object.fromEntries(Object.entries({ ...st }).filter(([, v]) => v !== undefined)) as unknown as WideningStep),
      lentAgentDelaySeconds: body.lentAgentDelaySeconds ?? null,
      previousAgentPreferenceSeconds: body.previousAgentPreferenceSeconds ?? null,
      previousAgentLookbackDays: body.previousAgentLookbackDays ?? null,
      emailBlendingThresholdSeconds: body.emailBlendingThresholdSeconds ?? null,
      maxContactSeconds: body.maxContactSeconds ?? null,
      pollGraceSeconds: body.pollGraceSeconds ?? null,
    };
    await this.repo.saveSettings(queueId, settings);
    await this.catalog.invalidate();
    return settings;
  }
}
