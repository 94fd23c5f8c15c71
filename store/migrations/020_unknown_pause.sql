-- Migration 016 stopped the clock of PAK POS cases already waiting for the resident's original
-- files (validated, awaiting_files) with no working time left recorded (paused_ms 0), so their
-- due date did not move when the files came: they were late at once. The time they had left is
-- working time on the office's calendar (its hours and holidays live in config), which SQL cannot
-- count, so it is marked as not known (paused_ms -1, lifecycle.PausedUnknown): the case service
-- derives it from the allowance's deadline while the row still holds it (validated), else gives
-- the case, when it resumes, the configured deadlines of the rest of its path.
-- Only cases that entered validated before 016 ran are marked: a case paused since then had its
-- time left counted (0 there means it was already late, and it stays late).
UPDATE cases SET paused_ms = -1
WHERE clock_paused = 1 AND paused_ms = 0 AND stage IN ('validated', 'awaiting_files')
  AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.to_stage = 'validated'
      AND e.at < (SELECT applied_at FROM schema_migrations WHERE version = 16));
