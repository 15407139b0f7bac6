-- Every cargo offer's route set is written with its nodes and legs into two GIN indexes (read only when a disruption
-- re-routes the open offers it touches). With GIN's fast update the entries wait in a pending list of up to 4 MB that
-- the insert which fills it must merge: under load one insert in a few hundred took 35-80 ms, and the mean insert
-- 1.0 ms of server time (pg_stat_statements, 4,300 offers). Written straight into the index, the mean was
-- 0.54 ms and no insert paid for the others.
SELECT gin_clean_pending_list('cargo_offers_open_nodes'::regclass);
SELECT gin_clean_pending_list('cargo_offers_open_legs'::regclass);
ALTER INDEX cargo_offers_open_nodes SET (fastupdate = off);
ALTER INDEX cargo_offers_open_legs SET (fastupdate = off);
