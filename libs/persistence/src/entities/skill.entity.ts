import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const SKILL_KINDS = ['language', 'topic', 'training'] as const;
export type SkillKind = (typeof SKILL_KINDS)[number];

/** A skill key is `<prefix>:<name>`: `lang:fi`, `topic:payment-plans`, `training:phone-service`. */
@Entity({ name: 'skills' })
@Check('skills_key_format', `key ~ '^(lang|topic|training):[a-z0-9][a-z0-9-]*$'`)
@Check('skills_kind_matches_key', `(kind = 'language' AND key LIKE 'lang:%') OR (kind = 'topic' AND key LIKE 'topic:%') OR (kind = 'training' AND key LIKE 'training:%')`)
export class SkillEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  kind: SkillKind;

  @Column({ type: 'text' })
  name: string;
}
