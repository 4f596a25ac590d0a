import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { SKILL_KINDS, type SkillEntity, type SkillKind } from '../../../../libs/persistence/src/entities/skill.entity.js';

export class CreateSkillDto {
  @ApiProperty({ example: 'topic:payment-plans', description: '`lang:<code>`, `topic:<name>` or `training:<name>`.' })
  @IsString()
  @Matches(/^(lang|topic|training):[a-z0-9][a-z0-9-]*$/, { message: 'key must look like lang:fi, topic:payment-plans or training:phone-service' })
  key: string;

  @ApiProperty({ enum: SKILL_KINDS, example: 'topic', description: 'Must match the key prefix (lang → language).' })
  @IsIn(SKILL_KINDS)
  kind: SkillKind;

  @ApiProperty({ example: 'Payment plans' })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class SkillDto {
  @ApiProperty({ example: 'lang:fi' })
  key: string;

  @ApiProperty({ enum: SKILL_KINDS, example: 'language' })
  kind: SkillKind;

  @ApiProperty({ example: 'Finnish' })
  name: string;

  static from(s: SkillEntity): SkillDto {
    return { key: s.key, kind: s.kind, name: s.name };
  }
}
