-- The stored dashboard days (metric_rollups) are a cache of closed UTC days. A change to a run,
-- step, action or review that counts on a closed day (back-dated demo history, demo removal, a run
-- that finishes after midnight, the rejection of a rule's escalation from an earlier day) deletes
-- that day and every later one: a later day's distinct-ticket counts depend on the days before it.
-- Changes that count on today only (every live decision and run) do nothing more than the check.
CREATE FUNCTION "metric_rollups_invalidate"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed timestamptz;
  earlier timestamptz;
BEGIN
  IF TG_TABLE_NAME = 'reviews' THEN
    IF TG_OP <> 'DELETE' THEN SELECT min(created_at) INTO changed FROM new_rows; END IF;
    IF TG_OP <> 'INSERT' THEN SELECT min(created_at) INTO earlier FROM old_rows; END IF;
  ELSIF TG_TABLE_NAME = 'agent_runs' THEN
    IF TG_OP <> 'DELETE' THEN SELECT min(started_at) INTO changed FROM new_rows; END IF;
    IF TG_OP <> 'INSERT' THEN SELECT min(started_at) INTO earlier FROM old_rows; END IF;
  ELSIF TG_TABLE_NAME = 'agent_steps' THEN
    -- A step counts on its run's day (a run's steps are written at or after its start).
    IF TG_OP <> 'DELETE' THEN
      SELECT min(least(s.created_at, r.started_at)) INTO changed
      FROM new_rows s LEFT JOIN agent_runs r ON r.id = s.run_id;
    END IF;
    IF TG_OP <> 'INSERT' THEN
      SELECT min(least(s.created_at, r.started_at)) INTO earlier
      FROM old_rows s LEFT JOIN agent_runs r ON r.id = s.run_id;
    END IF;
  ELSIF TG_TABLE_NAME = 'agent_actions' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT min(least(a.created_at, r.started_at)) INTO changed
      FROM new_rows a LEFT JOIN agent_runs r ON r.id = a.run_id;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT min(least(a.created_at, r.started_at)) INTO changed
      FROM old_rows a LEFT JOIN agent_runs r ON r.id = a.run_id;
    ELSE
      -- Of an action's updates (claims, decisions) only one reaches a stored figure: a rule's
      -- escalation rejected, or no longer rejected (the per-rule table's overrides).
      SELECT min(least(o.created_at, r.started_at)) INTO changed
      FROM old_rows o
      JOIN new_rows n ON n.id = o.id
      LEFT JOIN agent_runs r ON r.id = n.run_id
      WHERE n.kind = 'escalation' AND (o.status = 'rejected') IS DISTINCT FROM (n.status = 'rejected');
    END IF;
  END IF;
  changed := least(changed, earlier);
  IF changed IS NOT NULL AND changed < date_trunc('day', now(), 'UTC') THEN
    -- Waits for a dashboard that is storing days to finish, then drops what it stored.
    PERFORM pg_advisory_xact_lock_shared(7262010);
    DELETE FROM "metric_rollups" WHERE "day" >= (changed AT TIME ZONE 'UTC')::date;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "reviews_metric_rollups_insert" AFTER INSERT ON "reviews"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "reviews_metric_rollups_update" AFTER UPDATE ON "reviews"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "reviews_metric_rollups_delete" AFTER DELETE ON "reviews"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_runs_metric_rollups_insert" AFTER INSERT ON "agent_runs"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_runs_metric_rollups_update" AFTER UPDATE ON "agent_runs"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_runs_metric_rollups_delete" AFTER DELETE ON "agent_runs"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_steps_metric_rollups_insert" AFTER INSERT ON "agent_steps"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_steps_metric_rollups_update" AFTER UPDATE ON "agent_steps"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_steps_metric_rollups_delete" AFTER DELETE ON "agent_steps"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_actions_metric_rollups_insert" AFTER INSERT ON "agent_actions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_actions_metric_rollups_update" AFTER UPDATE ON "agent_actions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
--> statement-breakpoint
CREATE TRIGGER "agent_actions_metric_rollups_delete" AFTER DELETE ON "agent_actions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_rollups_invalidate"();
