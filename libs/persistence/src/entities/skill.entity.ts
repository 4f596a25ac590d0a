import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SKILL_KINDS = ['language', 'topic', 'training'] as const;
export type SkillKind = (typeof SKILL_KINDS)[number];

/** A skill key is `<prefix>:<name>`: `lang:fi`, `topic:payment-plans`, `training:phone-service`. */
@Entity({ name: 'skills' })
export class SkillEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  kind: SkillKind;

  @Column({ type: 'text' })
  name: string;
}
