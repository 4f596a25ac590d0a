import { In, type DataSource } from 'typeorm';
import { SkillEntity } from '../entities/skill.entity.js';

export abstract class SkillRepository {
  abstract list(): Promise<SkillEntity[]>;
  abstract findByKeys(keys: string[]): Promise<SkillEntity[]>;
  abstract save(skill: SkillEntity): Promise<SkillEntity>;
}

export class TypeOrmSkillRepository extends SkillRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  list(): Promise<SkillEntity[]> {
    return this.dataSource.getRepository(SkillEntity).find({ order: { key: 'ASC' } });
  }

  findByKeys(keys: string[]): Promise<SkillEntity[]> {
    return keys.length ? this.dataSource.getRepository(SkillEntity).findBy({ key: In(keys) }) : Promise.resolve([]);
  }

  save(skill: SkillEntity): Promise<SkillEntity> {
    return this.dataSource.getRepository(SkillEntity).save(skill);
  }
}
