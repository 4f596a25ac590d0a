import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The channels a queue may serve; rows are added by migrations (phone, chat, email; later sms, callback). */
@Entity({ name: 'channels' })
export class ChannelEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;
}
