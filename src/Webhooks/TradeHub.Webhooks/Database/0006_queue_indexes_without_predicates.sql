-- The queue's head index without a status predicate. A partial index on status = 'pending' is estimated from the
-- statistics of its last vacuum or analyze; a queue that was nearly empty then looks as if it always were, and the
-- planner took a scan of the whole partial index over a primary-key lookup for "id = $1 AND status = 'pending'"
-- (every lease, postponement and failure) and for each subscription's head, so each statement read every pending
-- delivery. With status a column of the index the estimates follow the table, and a lookup by id stays one. The
-- queue age is read from the subscriptions' heads, so its index goes: one index fewer for every delivery written.
DROP INDEX deliveries_pending;
CREATE INDEX deliveries_pending ON deliveries (subscription_id, status, seq);
DROP INDEX deliveries_pending_age;
