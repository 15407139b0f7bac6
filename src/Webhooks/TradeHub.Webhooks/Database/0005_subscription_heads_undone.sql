-- Undoes 0004: the head kept on the subscription row made queuing wait for the completions' and claims' locks on
-- the subscriptions and delivered fewer per second (docs/performance.md, "Keeping each subscription's head on its
-- row"). The dispatcher looks up each subscription's oldest pending delivery again, and the lease is back on the
-- delivery. 0004 stays in place so databases that ran it are brought back by this script.
DROP TRIGGER deliveries_queued ON deliveries;
DROP FUNCTION deliveries_queued();
ALTER TABLE deliveries ADD COLUMN lease_until timestamptz NULL;
ALTER TABLE subscriptions DROP COLUMN head_seq, DROP COLUMN head_due;
ALTER TABLE subscriptions RESET (fillfactor);
