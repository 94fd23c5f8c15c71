-- The clock also stops while a PAK POS case waits for the resident's original files
-- (validated, awaiting_files): mark the cases already there.
UPDATE cases SET clock_paused = 1 WHERE stage IN ('validated', 'awaiting_files');
