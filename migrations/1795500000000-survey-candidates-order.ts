import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sampling job takes ended contacts from `survey_candidates` oldest first, 500 at a time. With
 * no index on the order, each batch joined every contact ever routed to the candidates and sorted
 * the result: a sequential scan of `contacts` per batch (45 ms at 17k contacts, and growing with the
 * table), every 15 seconds, next to the routing path. With the order indexed, the job locks its 500
 * candidates through the index and joins only those (by primary key): the cost no longer depends on
 * the size of `contacts`.
 */
export class SurveyCandidatesOrder1795500000000 implements MigrationInterface {
  name = 'SurveyCandidatesOrder1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX survey_candidates_ended_idx ON survey_candidates (ended_at, contact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX survey_candidates_ended_idx`);
  }
}
