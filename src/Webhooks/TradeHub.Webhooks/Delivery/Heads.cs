namespace TradeHub.Webhooks.Delivery;

/// <summary>
/// Each subscription's head (subscriptions.head_seq and head_due): its oldest pending delivery and when it may be
/// claimed. Queuing sets it when the subscription had nothing pending (the trigger of migration 0004); an outcome
/// moves it on with <see cref="AdvanceSql"/>.
/// </summary>
public static class Heads
{
    /// <summary>
    /// After outcomes of the deliveries @Seqs of @Subscriptions were written in the same transaction: each of those
    /// subscriptions whose head is still that delivery gets its oldest pending delivery as head, due at its next
    /// attempt (the same delivery again after a retry was scheduled), or none. The subscriptions are locked first,
    /// in id order (as the queuing trigger locks them), and the next head is looked up by the following statement,
    /// with a snapshot taken after the lock: a delivery queued meanwhile is either committed and found here, or its
    /// trigger waits for this transaction and then finds no head and sets one. Either way it is not left without one.
    /// </summary>
    public const string AdvanceSql = """
        SELECT 1 FROM subscriptions WHERE id = ANY(@Subscriptions) ORDER BY id FOR NO KEY UPDATE;
        UPDATE subscriptions s SET head_seq = h.seq, head_due = h.next_attempt_at
        FROM unnest(@Subscriptions, @Seqs) AS r(id, seq)
        LEFT JOIN LATERAL (
            SELECT d.seq, d.next_attempt_at FROM deliveries d
            WHERE d.subscription_id = r.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) h ON true
        WHERE s.id = r.id AND s.head_seq = r.seq;
        """;
}
