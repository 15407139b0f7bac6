-- A stored answer (jsonb) is only ever returned to a repeated request, found by its primary key: ANALYZE need not
-- detoast and sort it for statistics. (docs/performance.md tuning 26)
ALTER TABLE idempotency_keys ALTER COLUMN response SET STATISTICS 0;
