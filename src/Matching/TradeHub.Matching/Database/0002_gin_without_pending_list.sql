-- Every proposal counts the open proposals of its offers through matches_offer_ids. With GIN's fast update, new
-- entries wait in an unsorted pending list (up to 4 MB) that every lookup scans in full: under load that made each
-- proposal cost about 2 ms of server CPU (pg_stat_statements), more than all other statements together.
-- Without it an insert puts its few keys straight into the index and a lookup is a plain descent (0.04 ms).
-- (matches_party_orgs keeps its pending list: a few organisations' keys take every insert, and it is read only by
-- the match list of the API.)
SELECT gin_clean_pending_list('matches_offer_ids'::regclass);
ALTER INDEX matches_offer_ids SET (fastupdate = off);
