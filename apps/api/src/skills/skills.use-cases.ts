import { Injectable } from '@nestjs/common';
import { unprocessable } from '../../../../libs/core/src/domain-error.js';
import type { SkillEntity } from '../../../../libs/persistence/src/entities/skill.entity.js';
import { SkillRepository } from '../../../../libs/persistence/src/repositories/skill.repository.js';
import type { CreateSkillDto } from './skill.dto.js';

const PREFIX_OF_KIND = { language: 'lang:', topic: 'topic:', training: 'training:' } as const;

@Injectable()
export class ListSkills {
  constructor(private readonly skills: SkillRepository) {}
  execute(): Promise<SkillEntity[]> {
    return this.skills.list();
  }
}

@Injectable()
export class SaveSkill {
  constructor(private readonly skills: SkillRepository) {}
  execute(input: CreateSkillDto): Promise<SkillEntity> {
    if (!input.key.startsWith(PREFIX_OF_KIND[input.kind])) {
      throw unprocessable('validation.failed', `A ${input.kind} skill key starts with "${PREFIX_OF_KIND[input.kind]}"`, [
        { field: 'key', rule: 'matchesKind', message: `key must start with ${PREFIX_OF_KIND[input.kind]} for kind ${input.kind}` },
      ]);
    }
    return this.skills.save({ ...input });
  }
}

/** Checks that every referenced skill exists, naming the offending field of the request. */
@Injectable()
export class CheckSkillsExist {
  constructor(private readonly skills: SkillRepository) {}
  async execute(keys: string[], fieldOf: (index: number) => string): Promise<void> {
    const known = new Set((await this.skills.findByKeys([...new Set(keys)])).map((s) => s.key));
    const violations = keys
      .map((key, i) => ({ key, i }))
      .filter(({ key }) => !known.has(key))
      .map(({ key, i }) => ({ field: fieldOf(i), rule: 'exists', message: `skill ${key} does not exist (GET /v1/skills lists them)` }));
    if (violations.length) throw unprocessable('validation.failed', 'Unknown skills', violations);
  }
}
