-- The stored dashboard days (metric_rollups) are a cache of closed UTC days. A change to a run,
-- step, action or review that counts on a closed day (back-dated demo history, demo removal, a run
-- that finishes after midnight, the rejection of a rule's escalation from an earlier day) deletes
-- that day and every later one: a later day's distinct-ticket counts depend on the days before it.
-- The triggers are per row with a WHEN condition, checked without calling anything: a live
-- decision or run (today's records) costs nothing more. A step or action counts on its run's day;
-- one written after midnight for a run started the day before is covered by that run's update
-- when it finishes. Days are stored only 15 minutes after they close (lib/metrics/rollups.ts),
-- so writes begun before midnight have committed by then. TRUNCATE drops every stored day.
CREATE FUNCTION "metric_rollups_invalidate"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed timestamptz;
  row_time timestamptz;
  first_day date;
  dropped text := current_setting('countersign.rollups_dropped_from', true);
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_advisory_xact_lock_shared(7262010);
    DELETE FROM "metric_rollups";
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'agent_runs' THEN
    changed := CASE TG_OP WHEN 'INSERT' THEN NEW.started_at WHEN 'DELETE' THEN OLD.started_at
                          ELSE least(OLD.started_at, NEW.started_at) END;
  ELSE
    row_time := CASE TG_OP WHEN 'INSERT' THEN NEW.created_at WHEN 'DELETE' THEN OLD.created_at
                           ELSE least(OLD.created_at, NEW.created_at) END;
    changed := row_time;
    IF TG_TABLE_NAME IN ('agent_steps', 'agent_actions') THEN
      -- A step or action counts on its run's day (a rule's escalation rejected, or no longer
      -- rejected, changes the per-rule table's overrides of that day).
      SELECT least(row_time, r.started_at) INTO changed
      FROM agent_runs r WHERE r.id = CASE TG_OP WHEN 'DELETE' THEN OLD.run_id ELSE NEW.run_id END;
      changed := coalesce(changed, row_time);
    END IF;
  END IF;
  IF changed IS NULL OR changed >= date_trunc('day', statement_timestamp(), 'UTC') THEN
    RETURN NULL;
  END IF;
  first_day := (changed AT TIME ZONE 'UTC')::date;
  -- Within one transaction a bulk write drops once: its shared lock keeps what it dropped dropped.
  IF coalesce(dropped, '') <> '' AND dropped::date <= first_day THEN
    RETURN NULL;
  END IF;
  -- Waits for a dashboard that is storing days to finish, then drops what it stored.
  PERFORM pg_advisory_xact_lock_shared(7262010);
  DELETE FROM "metric_rollups" WHERE "day" >= first_day;
  PERFORM set_config('countersign.rollups_dropped_from', first_day::text, true);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
  time_column text;
  closed text := ' < date_trunc(''day'', statement_timestamp(), ''UTC'')';
BEGIN
  FOREACH t IN ARRAY ARRAY['reviews', 'agent_runs', 'agent_steps', 'agent_actions'] LOOP
    time_column := CASE t WHEN 'agent_runs' THEN 'started_at' ELSE 'created_at' END;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I FOR EACH ROW WHEN (%s) '
                   'EXECUTE FUNCTION metric_rollups_invalidate()',
                   t || '_metric_rollups_insert', t, 'NEW.' || time_column || closed);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW WHEN (%s) '
                   'EXECUTE FUNCTION metric_rollups_invalidate()',
                   t || '_metric_rollups_delete', t, 'OLD.' || time_column || closed);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I FOR EACH ROW WHEN (%s) '
                   'EXECUTE FUNCTION metric_rollups_invalidate()',
                   t || '_metric_rollups_update', t,
                   CASE t
                     WHEN 'agent_actions' THEN
                       'NEW.kind = ''escalation'' AND (OLD.status = ''rejected'') IS DISTINCT FROM (NEW.status = ''rejected'')'
                     ELSE 'OLD.' || time_column || closed || ' OR NEW.' || time_column || closed
                   END);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION metric_rollups_invalidate()', t || '_metric_rollups_truncate', t);
  END LOOP;
END
$$;
