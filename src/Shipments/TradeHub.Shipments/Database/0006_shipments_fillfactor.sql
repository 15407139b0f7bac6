-- Every tracking post and every closure rewrites shipment rows (legs, estimates, position). With room left on each
-- page the new version of a row stays on its page and no index is touched (a heap-only update), instead of a new
-- entry in each of the table's eight indexes per update. Takes effect on pages written from now on.
ALTER TABLE shipments SET (fillfactor = 70);
