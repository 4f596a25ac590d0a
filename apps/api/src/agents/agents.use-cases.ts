import { Injectable } from '@nestjs/common';
import { notFound, unprocessable } from '../../../../libs/core/src/domain-error.js';
import type { AgentEntity } from '../../../../libs/persistence/src/entities/agent.entity.js';
import { AgentRepository, type AgentData, type AgentFilter } from '../../../../libs/persistence/src/repositories/agent.repository.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import type { Page, PageRequest } from '../../../../libs/persistence/src/repositories/page.js';
import { RoutingInvalidations } from '../persistence/routing-invalidations.js';
import { deskRefusal } from '../../../../libs/routing/src/core/routing-core.js';
import { RoutingEngine } from '../routing/routing-engine.js';
import { CheckSkillsExist } from '../skills/skills.use-cases.js';
import type { CreateAgentDto } from './agent.dto.js';

/** Turns a validated request into repository data, checking the references it names. */
@Injectable()
export class PrepareAgentData {
  constructor(
    private readonly departments: DepartmentRepository,
    private readonly checkSkillsExist: CheckSkillsExist,
  ) {}

  async execute(input: CreateAgentDto): Promise<AgentData> {
    const duplicates = input.skills.map((s) => s.skill).filter((skill, i, all) => all.indexOf(skill) !== i);
    if (duplicates.length) {
      throw unprocessable('validation.failed', 'A skill is listed twice', [{ field: 'skills', rule: 'unique', message: `skill ${duplicates[0]} is listed more than once` }]);
    }
    if (!(await this.departments.findById(input.departmentId))) {
      throw unprocessable('validation.failed', 'The department does not exist', [{ field: 'departmentId', rule: 'exists', message: `department ${input.departmentId} does not exist` }]);
    }
    await this.checkSkillsExist.execute(input.skills.map((s) => s.skill), (i) => `skills[${i}].skill`);
    return {
      employeeNumber: input.employeeNumber,
      displayName: input.displayName,
      departmentId: input.departmentId,
      phoneUri: input.phoneUri ?? null,
      timeZone: input.timeZone ?? 'Europe/Helsinki',
      phoneCapacity: input.capacity?.phone ?? 1,
      chatCapacity: input.capacity?.chat ?? 3,
      emailCapacity: input.capacity?.email ?? 5,
      active: input.active ?? true,
      skills: input.skills.map((s) => ({ skillKey: s.skill, proficiency: s.proficiency })),
    };
  }
}

@Injectable()
export class ListAgents {
  constructor(private readonly agents: AgentRepository) {}
  execute(filter: AgentFilter, page: PageRequest): Promise<Page<AgentEntity>> {
    return this.agents.list(filter, page);
  }
}

@Injectable()
export class GetAgent {
  constructor(private readonly agents: AgentRepository) {}
  async execute(id: string): Promise<AgentEntity> {
    return (await this.agents.findById(id)) ?? Promise.reject(notFound('agent', id));
  }
}

@Injectable()
export class CreateAgent {
  constructor(
    private readonly agents: AgentRepository,
    private readonly prepare: PrepareAgentData,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(input: CreateAgentDto): Promise<AgentEntity> {
    const agent = await this.agents.create(await this.prepare.execute(input));
    await this.routing.agentsChanged([agent.id]);
    return agent;
  }
}

@Injectable()
export class UpdateAgent {
  constructor(
    private readonly agents: AgentRepository,
    private readonly prepare: PrepareAgentData,
    private readonly routing: RoutingInvalidations,
  ) {}
  async execute(id: string, input: CreateAgentDto): Promise<AgentEntity> {
    const agent = await this.agents.update(id, await this.prepare.execute(input));
    if (!agent) throw notFound('agent', id);
    await this.routing.agentsChanged([id]);
    return agent;
  }
}

@Injectable()
export class DeleteAgent {
  constructor(
    private readonly agents: AgentRepository,
    private readonly engine: RoutingEngine,
    private readonly routing: RoutingInvalidations,
  ) {}
  /**
   * An agent holding contacts (in hand or offered) is not deleted: the delete would take its offers
   * with it and strand their contacts. Routing takes the agent offline first and keeps it so (409
   * agent.has_contacts when it holds any; a request to log it in meanwhile is answered 404), so that
   * no new offer reaches it, then the row goes in one transaction that checks again. When the row
   * does not go, routing lets the agent log in again.
   */
  async execute(id: string): Promise<void> {
    await this.engine.retireAgent(id);
    let deleted = false;
    try {
      const outcome = await this.agents.delete(id);
      if (outcome === 'not-found') throw notFound('agent', id);
      if (outcome === 'has-contacts') throw deskRefusal.hasContacts(id);
      deleted = true;
    } finally {
      if (!deleted) await this.engine.restoreAgent(id).catch(() => undefined);
    }
    await this.routing.agentsChanged([id]);
  }
}
