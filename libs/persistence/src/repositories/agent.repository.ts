import type { DataSource } from 'typeorm';
import { AgentSkillEntity } from '../entities/agent-skill.entity.js';
import { AgentEntity } from '../entities/agent.entity.js';
import { rowsOf } from '../query-rows.js';
import type { Page, PageRequest } from './page.js';

export interface AgentFilter {
  departmentId?: string;
  skill?: string;
  active?: boolean;
}

export interface AgentData {
  employeeNumber: string;
  displayName: string;
  departmentId: string;
  phoneUri: string | null;
  timeZone: string;
  phoneCapacity: number;
  chatCapacity: number;
  emailCapacity: number;
  active: boolean;
  skills: { skillKey: string; proficiency: number }[];
}

export abstract class AgentRepository {
  abstract list(filter: AgentFilter, page: PageRequest): Promise<Page<AgentEntity>>;
  abstract findById(id: string): Promise<AgentEntity | null>;
  abstract create(data: AgentData): Promise<AgentEntity>;
  /** Replaces the agent's fields and skills in one transaction. */
  abstract update(id: string, data: AgentData): Promise<AgentEntity | null>;
  /**
   * Deletes the agent and everything that only describes it (skills, presence, contract, keys),
   * unless it holds contacts in hand or offered: its presence row is locked first, as routing locks
   * it before an offer, so no offer can slip in between the check and the delete.
   */
  abstract delete(id: string): Promise<'deleted' | 'not-found' | 'has-contacts'>;
}

export class TypeOrmAgentRepository extends AgentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async list(filter: AgentFilter, page: PageRequest): Promise<Page<AgentEntity>> {
    const qb = this.dataSource
      .getRepository(AgentEntity)
      .createQueryBuilder('a')
      .leftJoinAndSelect('a.skills', 's')
      .orderBy('a.employeeNumber', 'ASC');
    if (filter.departmentId) qb.andWhere('a.department_id = :departmentId', { departmentId: filter.departmentId });
    if (filter.active !== undefined) qb.andWhere('a.active = :active', { active: filter.active });
    if (filter.skill) {
      qb.andWhere('EXISTS (SELECT 1 FROM agent_skills f WHERE f.agent_id = a.id AND f.skill_key = :skill)', { skill: filter.skill });
    }
    const [items, total] = await qb.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }

  findById(id: string): Promise<AgentEntity | null> {
    return this.dataSource.getRepository(AgentEntity).findOneBy({ id });
  }

  async create(data: AgentData): Promise<AgentEntity> {
    const repo = this.dataSource.getRepository(AgentEntity);
    const saved = await repo.save(repo.create({ ...data, skills: data.skills.map((s) => ({ ...s })) }));
    return (await this.findById(saved.id))!;
  }

  async update(id: string, data: AgentData): Promise<AgentEntity | null> {
    const updated = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(AgentEntity);
      const existing = await repo.createQueryBuilder('a').setLock('pessimistic_write').where('a.id = :id', { id }).getOne();
      if (!existing) return false;
      const { skills, ...fields } = data;
      await repo.update({ id }, fields);
      await tx.getRepository(AgentSkillEntity).delete({ agentId: id });
      if (skills.length) await tx.getRepository(AgentSkillEntity).insert(skills.map((s) => ({ agentId: id, ...s })));
      return true;
    });
    return updated ? this.findById(id) : null;
  }

  async delete(id: string): Promise<'deleted' | 'not-found' | 'has-contacts'> {
    return this.dataSource.transaction(async (m) => {
      const held = rowsOf<{ load: number }>(
        await m.query(`SELECT phone_load + chat_load + email_load AS load FROM agent_presence WHERE agent_id = $1 FOR UPDATE`, [id]),
      );
      if (held.length > 0 && Number(held[0].load) > 0) return 'has-contacts';
      const gone = rowsOf<{ id: string }>(await m.query(`DELETE FROM agents WHERE id = $1 RETURNING id`, [id]));
      return gone.length > 0 ? 'deleted' : 'not-found';
    });
  }
}
