-- A stored answer (jsonb) is only ever returned to a repeated request, found by its primary key: ANALYZE need not
-- detoast and sort it for statistics (docs/decisions/0005-planner-settings-in-sql.md).
ALTER TABLE idempotency_keys ALTER COLUMN response SET STATISTICS 0;
