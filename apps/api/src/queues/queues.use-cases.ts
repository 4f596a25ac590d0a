import { Injectable } from '@nestjs/common';
import { conflict, notFound, unprocessable, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { QueueEntity } from '../../../../libs/persistence/src/entities/queue.entity.js';
import { BusinessCalendarRepository } from '../../../../libs/persistence/src/repositories/business-calendar.repository.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import { QueueRepository, type QueueData, type QueueFilter } from '../../../../libs/persistence/src/repositories/queue.repository.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import { CheckSkillsExist } from '../skills/skills.use-cases.js';
import { DEFAULT_TARGETS, type CreateQueueDto } from './queue.dto.js';

@Injectable()
export class PrepareQueueData {
  constructor(
    private readonly departments: DepartmentRepository,
    private readonly calendars: BusinessCalendarRepository,
    private readonly checkSkillsExist: CheckSkillsExist,
  ) {}

  async execute(input: CreateQueueDto): Promise<QueueData> {
    const violations: FieldViolation[] = [];
    if (!(await this.departments.findById(input.departmentId))) {
      violations.push({ field: 'departmentId', rule: 'exists', message: `department ${input.departmentId} does not exist` });
    }
    if (!(await this.calendars.findById(input.calendarId))) {
      violations.push({ field: 'calendarId', rule: 'exists', message: `calendar ${input.calendarId} does not exist` });
    }
    const skills = input.requiredSkills.map((s) => s.skill);
    const duplicate = skills.find((s, i) => skills.indexOf(s) !== i);
    if (duplicate) violations.push({ field: 'requiredSkills', rule: 'unique', message: `skill ${duplicate} is listed more than once` });
    if (violations.length) throw unprocessable('validation.failed', 'The queue refers to missing or repeated items', violations);
    await this.checkSkillsExist.execute(skills, (i) => `requiredSkills[${i}].skill`);
    const target = input.target ?? DEFAULT_TARGETS[input.channel];
    return {
      key: input.key,
      name: input.name,
      departmentId: input.departmentId,
      channel: input.channel,
      language: input.language ?? null,
      calendarId: input.calendarId,
      targetPercent: target.percent,
      targetSeconds: target.seconds,
      targetBasis: target.basis,
      requiredSkills: input.requiredSkills.map((s) => ({ skillKey: s.skill, minProficiency: s.minProficiency })),
    };
  }
}

@Injectable()
export class ListQueues {
  constructor(private readonly queues: QueueRepository) {}
  execute(filter: QueueFilter): Promise<QueueEntity[]> {
    return this.queues.list(filter);
  }
}

@Injectable()
export class GetQueue {
  constructor(private readonly queues: QueueRepository) {}
  async execute(id: string): Promise<QueueEntity> {
    return (await this.queues.findById(id)) ?? Promise.reject(notFound('queue', id));
  }
}

@Injectable()
export class CreateQueue {
  constructor(
    private readonly queues: QueueRepository,
    private readonly prepare: PrepareQueueData,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(input: CreateQueueDto): Promise<QueueEntity> {
    const queue = await this.queues.create(await this.prepare.execute(input));
    await this.routing.catalogChanged();
    return queue;
  }
}

@Injectable()
export class UpdateQueue {
  constructor(
    private readonly queues: QueueRepository,
    private readonly prepare: PrepareQueueData,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(id: string, input: CreateQueueDto): Promise<QueueEntity> {
    const queue = await this.queues.update(id, await this.prepare.execute(input));
    if (!queue) throw notFound('queue', id);
    await this.routing.catalogChanged();
    return queue;
  }
}

@Injectable()
export class DeleteQueue {
  constructor(
    private readonly queues: QueueRepository,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(id: string): Promise<void> {
    const result = await this.queues.deleteIfUnused(id);
    if (result.contacts > 0) {
      throw conflict(
        'queue.in_use',
        `The queue has ${result.contacts} contact(s); contacts are kept for the reports, so a queue that has had contacts is not deleted. Delete its entry points (or route its gateway elsewhere) to stop new contacts.`,
      );
    }
    if (!result.deleted) throw notFound('queue', id);
    await this.routing.catalogChanged();
  }
}
