-- matches_party_orgs without GIN's pending list (as matches_offer_ids in 0002): each proposal adds two or three keys,
-- and with the pending list the proposal that filled it merged 4 MB of them (up to 110 ms) while the others waited
-- for the turn. Straight into the index the mean proposal insert fell from 0.62 to 0.39 ms (pg_stat_statements,
-- 4,300 cargo offers).
SELECT gin_clean_pending_list('matches_party_orgs'::regclass);
ALTER INDEX matches_party_orgs SET (fastupdate = off);

-- A decision (declined, accepted, confirmed) changes no indexed column, so with room left on the page it is a HOT
-- update: no new entry in any of the four indexes. Full pages made every decline a new tuple elsewhere and new
-- entries in all four (a withdrawn capacity offer's 500 declines took 110-340 ms). Applies to pages filled from now on.
ALTER TABLE matches SET (fillfactor = 85);
