-- Each subscription's head: its oldest pending delivery (head_seq) and when it may be claimed (head_due: the
-- delivery's next attempt, or the end of the lease while it is being sent). The dispatcher claims subscriptions
-- whose head is due instead of looking up every subscription's oldest pending delivery on each pass. NULL when
-- nothing is pending. No index on head_due: the column changes at every claim and completion, and updates that
-- touch no indexed column stay on their page (HOT); a pass reads the subscriptions table, not the deliveries.
ALTER TABLE subscriptions ADD COLUMN head_seq bigint NULL, ADD COLUMN head_due timestamptz NULL;
ALTER TABLE subscriptions SET (fillfactor = 50);

UPDATE subscriptions s SET head_seq = h.seq, head_due = h.next_attempt_at
FROM (SELECT DISTINCT ON (subscription_id) subscription_id, seq, next_attempt_at
      FROM deliveries WHERE status = 'pending' ORDER BY subscription_id, seq) h
WHERE s.id = h.subscription_id;

-- The lease moved to head_due.
ALTER TABLE deliveries DROP COLUMN lease_until;

-- Queuing a delivery to a subscription with nothing pending makes it the head; every statement that inserts
-- deliveries (fan-out, ping, replay) goes through here. The subscriptions are locked first, in id order (the
-- completions lock them in the same order), and the head is checked by a later statement, so with a fresh
-- snapshot: a completion that found nothing pending and cleared the head either committed before (then the head
-- is NULL here and is set) or waits for this transaction (then it sees these deliveries when it looks for the next
-- head). Without the lock both could miss the other and leave a pending delivery without a head.
CREATE FUNCTION deliveries_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM subscriptions WHERE id IN (SELECT subscription_id FROM queued) ORDER BY id FOR NO KEY UPDATE;
    UPDATE subscriptions s SET head_seq = q.seq, head_due = q.next_attempt_at
    FROM (SELECT DISTINCT ON (subscription_id) subscription_id, seq, next_attempt_at
          FROM queued ORDER BY subscription_id, seq) q
    WHERE s.id = q.subscription_id AND s.head_seq IS NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER deliveries_queued AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS queued FOR EACH STATEMENT EXECUTE FUNCTION deliveries_queued();
