import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two per-row checks that cost the routing writer half of its statement time at load, made set-based
 * (bench:routing, memory engine, 64 clients, auto_explain with triggers: of ~15 ms per group statement,
 * the contact_events foreign key took ~3 ms — one SPI query per timeline row, ~7 per decision — and
 * the feedback trigger ~1.2 ms, one plpgsql call and insert per ended contact; BENCHMARKS.md, Routing).
 *
 * 1. contact_events.contact_id → contacts(id) ON DELETE CASCADE: the same rule, enforced once per
 *    statement instead of once per row. After an insert (or an update of contact_id), one query locks
 *    the referenced contacts FOR KEY SHARE — as the row-level check does, so a concurrent delete of a
 *    contact waits for the inserting transaction and then deletes its events too — and fails with a
 *    foreign_key_violation (SQLSTATE 23503, constraint contact_events_contact_fk) naming a contact that
 *    does not exist. Deleting contacts deletes their events in one statement; a contact's id cannot
 *    change (nothing changes it, and an event must not be left pointing at an old id).
 * 2. contacts_feedback_ended: the routing writer (session setting vuoro.routing_writer = 'on', see
 *    RoutingWriter1795460000000) stores the survey candidates of the contacts a group ended in the
 *    group's own statement (libs/persistence/src/routing-store/routing-writer.ts), so the row trigger
 *    is skipped for that session by its WHEN clause, without calling plpgsql; every other writer of
 *    contacts keeps it.
 */
export class SetBasedWriterChecks1795480000000 implements MigrationInterface {
  name = 'SetBasedWriterChecks1795480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contact_events DROP CONSTRAINT contact_events_contact_fk;

      CREATE FUNCTION contact_events_check_contacts() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        missing uuid;
      BEGIN
        PERFORM 1 FROM contacts c WHERE c.id IN (SELECT n.contact_id FROM new_events n) FOR KEY SHARE OF c;
        SELECT n.contact_id INTO missing FROM new_events n WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = n.contact_id) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "contact_events" violates foreign key constraint "contact_events_contact_fk"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (contact_id)=(%s) is not present in table "contacts".', missing),
                  TABLE = 'contact_events', CONSTRAINT = 'contact_events_contact_fk';
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER contact_events_contact_inserted AFTER INSERT ON contact_events
        REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION contact_events_check_contacts();
      CREATE TRIGGER contact_events_contact_updated AFTER UPDATE ON contact_events
        REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION contact_events_check_contacts();

      CREATE FUNCTION contacts_delete_events() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        DELETE FROM contact_events e USING old_contacts o WHERE e.contact_id = o.id;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER contacts_events_cascade AFTER DELETE ON contacts
        REFERENCING OLD TABLE AS old_contacts FOR EACH STATEMENT EXECUTE FUNCTION contacts_delete_events();

      CREATE FUNCTION contacts_keep_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'a contact''s id cannot change (its timeline refers to it)' USING ERRCODE = 'foreign_key_violation', TABLE = 'contacts';
      END
      $fn$;
      CREATE TRIGGER contacts_id_fixed BEFORE UPDATE OF id ON contacts FOR EACH ROW
        WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION contacts_keep_id();

      DROP TRIGGER contacts_feedback_ended ON contacts;
      CREATE TRIGGER contacts_feedback_ended AFTER UPDATE OF status ON contacts FOR EACH ROW
        WHEN (NEW.status = 'ended' AND OLD.status IS DISTINCT FROM 'ended' AND current_setting('vuoro.routing_writer', true) IS DISTINCT FROM 'on')
        EXECUTE FUNCTION feedback_capture_ended_contact();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER contacts_feedback_ended ON contacts;
      CREATE TRIGGER contacts_feedback_ended AFTER UPDATE OF status ON contacts FOR EACH ROW
        WHEN (NEW.status = 'ended' AND OLD.status IS DISTINCT FROM 'ended')
        EXECUTE FUNCTION feedback_capture_ended_contact();

      DROP TRIGGER contacts_id_fixed ON contacts;
      DROP FUNCTION contacts_keep_id();
      DROP TRIGGER contacts_events_cascade ON contacts;
      DROP FUNCTION contacts_delete_events();
      DROP TRIGGER contact_events_contact_updated ON contact_events;
      DROP TRIGGER contact_events_contact_inserted ON contact_events;
      DROP FUNCTION contact_events_check_contacts();
      ALTER TABLE contact_events ADD CONSTRAINT contact_events_contact_fk FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE;
    `);
  }
}
