import { Module } from '@nestjs/common';
import { SkillsController } from './skills.controller.js';
import { CheckSkillsExist, ListSkills, SaveSkill } from './skills.use-cases.js';

@Module({
  controllers: [SkillsController],
  providers: [ListSkills, SaveSkill, CheckSkillsExist],
  exports: [CheckSkillsExist],
})
export class SkillsModule {}
