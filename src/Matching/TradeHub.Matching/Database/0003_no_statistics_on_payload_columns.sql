-- ANALYZE gathers statistics on every column of the rows it samples, and autovacuum runs it again each time a tenth
-- of a table has changed. For a jsonb or array payload that is detoasting, decompressing and sorting 30,000 values
-- for statistics no query reads: these columns are only ever returned, never filtered, joined or sorted on (the
-- predicates are on id, offer_ids, status, kind, route_signature and party_orgs). On a matches table of 33,000
-- rows ANALYZE took 1.4 s of CPU (docs/decisions/0005-planner-settings-in-sql.md); the planner falls back to its default
-- estimates for these columns, which nothing asks for.
ALTER TABLE matches
    ALTER COLUMN explanation SET STATISTICS 0,
    ALTER COLUMN legs SET STATISTICS 0,
    ALTER COLUMN route_id SET STATISTICS 0,
    ALTER COLUMN route_summary SET STATISTICS 0,
    ALTER COLUMN accepted_by SET STATISTICS 0,
    ALTER COLUMN score SET STATISTICS 0,
    ALTER COLUMN price_amount SET STATISTICS 0,
    ALTER COLUMN price_currency SET STATISTICS 0,
    ALTER COLUMN origin SET STATISTICS 0,
    ALTER COLUMN destination SET STATISTICS 0,
    ALTER COLUMN corridor SET STATISTICS 0,
    ALTER COLUMN mode SET STATISTICS 0,
    ALTER COLUMN hs_code SET STATISTICS 0,
    ALTER COLUMN containers SET STATISTICS 0,
    ALTER COLUMN weight_kg SET STATISTICS 0,
    ALTER COLUMN decline_reason SET STATISTICS 0,
    ALTER COLUMN decided_at SET STATISTICS 0;

-- The catch-up reads routes by changed_xid and cargo_offer_id only.
ALTER TABLE cargo_routes ALTER COLUMN routes SET STATISTICS 0;
