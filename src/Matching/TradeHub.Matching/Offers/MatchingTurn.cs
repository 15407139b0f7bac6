using System.Collections.Concurrent;
using Dapper;
using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Matches;

namespace TradeHub.Matching.Offers;

/// <summary>
/// Whose turn it is to match, across every instance. Without turns, two offers that only match each other (a buyer
/// and a seller posted together, a cargo offer and the capacity on its route) are handled at once and neither sees
/// the other: each matches against an index that lacks the other, and both commit. A turn is held until commit and
/// the index is caught up when it is taken, so whoever comes second sees the first.
/// <para>
/// A message is handled in two steps: it is stored first (the offer, its routes), outside the turn, and matched in
/// the turn. What a transaction stores is seen by no one before it commits, and it commits in the turn, so storing
/// early changes nothing for the others; it only shortens the time the turn is held (the stores are most of a
/// batch's round trips), and so the time a capacity offer waiting for the turn alone stops the cargo batches.
/// Everyone takes the offers' locks before the turn and nobody waits for an offer's lock while holding it, so no
/// waiting cycle can form.
/// </para>
/// <para>
/// Cargo offers match capacity, never other cargo, so cargo messages share the cargo-capacity turn (a shared
/// PostgreSQL advisory lock) while capacity takes it alone (exclusive); trade offers match each other, so they take
/// the trade turn alone. Cargo messages of one consumer that wait at the same moment are handled together: one
/// turn, one catch-up and one commit for the lot; their offers are locked in one order, so batches never deadlock.
/// Capacity offers that wait at the same moment take the turn alone together (each staged in the index for the next),
/// so a burst of capacity stops the cargo batches once, not once per offer.
/// If a shared transaction fails for something in a message, each of its messages is handled again alone, so only the
/// bad one fails (and is retried, then parked in the error queue, by its own consumer); if it fails for the database
/// (away, pool empty, deadlock), every message fails at once and is retried with back-off.
/// </para>
/// </summary>
public sealed class MatchingTurn(Outbox outbox, OpenOffers offers, MatchingRules rules)
{
    public const string CargoCapacity = "matching:cargo-capacity";
    public const string Trade = "matching:trade";

    /// <summary>Most messages handled in one transaction.</summary>
    public const int MaxBatch = 32;

    /// <summary>Batches of one consumer in flight at once in this process (they share the turn).</summary>
    public const int ParallelBatches = 3;

    private const string SharedTurnSql = "SELECT pg_advisory_xact_lock_shared(hashtextextended(@Kind, 0))";
    private const string TurnSql = "SELECT pg_advisory_xact_lock(hashtextextended(@Kind, 0))";

    /// <summary>
    /// The offers' own locks (<see cref="OfferProjections.LockOffer"/>), taken in the order given, then the batch's
    /// messages recorded in the inbox: one round trip.
    /// </summary>
    private const string LockOffersAndRecordSql = $"""
        SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(@Keys) WITH ORDINALITY AS o(k, n);
        {Inbox.RecordManySql}
        """;

    /// <summary>What a stored message does in the turn: match against the caught-up index and propose.</summary>
    public delegate Task Match();

    private sealed record Work(Guid MessageId, string Consumer, Guid? OfferId, Func<OutboxTransaction, Task<Match?>> Store)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Some batch has it (set once, by whoever took it off the queue).</summary>
        public volatile bool Taken;
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> slots = new();
    private readonly ConcurrentDictionary<OutboxTransaction, List<Proposal>> proposing = new();

    /// <summary>
    /// Proposes in the turn's transaction. The proposals of all messages of a batch are stored together, in one round
    /// trip, just before it commits (each message's best first, the messages in order), so each still sees the ones
    /// before it when its offers' open proposals are counted. Nothing is written yet: the task it returns is done, so
    /// a <see cref="Match"/> can end with it.
    /// </summary>
    public Task Propose(OutboxTransaction tx, IEnumerable<Proposal> proposals)
    {
        proposing.GetOrAdd(tx, _ => []).AddRange(proposals.OrderByDescending(p => p.Score));
        return Task.CompletedTask;
    }

    /// <summary>Stores what the transaction has proposed so far now, for a statement that must see it.</summary>
    public async Task ProposeNow(OutboxTransaction tx)
    {
        if (proposing.TryRemove(tx, out var pending) && pending.Count > 0)
            await tx.Propose(pending, rules, ordered: true);
    }
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Work>> waiting = new();

    /// <summary>
    /// Stores the message once (inbox) with its offer locked, then runs what <paramref name="store"/> returns (if
    /// anything) in the kind's turn, with the index caught up.
    /// <paramref name="shared"/>: the message cannot match others of its kind that share the turn, so it may be
    /// handled with them (and with other messages of its consumer in one transaction); otherwise it takes the turn alone.
    /// <paramref name="together"/> (with shared false): the messages of its consumer that wait at the same moment take
    /// the turn alone together, one transaction for the lot, matched in order; each match must put its offer in the
    /// index (<see cref="OpenOffers.Stage"/>) so the next one sees it, as it would have in a turn of its own.
    /// </summary>
    public async Task Handle<T>(ConsumeContext<T> context, string kind, string consumer, Guid? offerId, bool shared,
        Func<OutboxTransaction, Task<Match?>> store, bool together = false) where T : class
    {
        var work = new Work(context.MessageId ?? throw new InvalidOperationException("Message without MessageId"),
            consumer, offerId, store);
        var ct = context.CancellationToken;
        if (!shared && !together)
        {
            var turn = slots.GetOrAdd(kind, _ => new SemaphoreSlim(1, 1));
            await turn.WaitAsync(ct);
            work.Taken = true;
            try { await HandleBatch(kind, shared: false, [work], ct); }
            finally { turn.Release(); }
            await work.Done.Task;
            return;
        }

        var queue = waiting.GetOrAdd(consumer, _ => new ConcurrentQueue<Work>());
        queue.Enqueue(work);
        // Shared: a few batches of the consumer at once. Alone together: one batch of the kind at a time in this process.
        var slot = shared
            ? slots.GetOrAdd(consumer, _ => new SemaphoreSlim(ParallelBatches, ParallelBatches))
            : slots.GetOrAdd(kind, _ => new SemaphoreSlim(1, 1));
        while (!work.Taken)
        {
            await slot.WaitAsync(ct);
            try
            {
                // Whoever gets a slot handles what of its consumer waits, its own message included (or already taken).
                if (!work.Taken) await HandleBatch(kind, shared, Take(queue), ct);
            }
            finally
            {
                slot.Release();
            }
        }
        await work.Done.Task;
    }

    private static List<Work> Take(ConcurrentQueue<Work> queue)
    {
        var batch = new List<Work>();
        while (batch.Count < MaxBatch && queue.TryDequeue(out var w))
        {
            w.Taken = true;
            batch.Add(w);
        }
        return batch;
    }

    private async Task HandleBatch(string kind, bool shared, List<Work> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        try
        {
            await using (var tx = await outbox.Begin(ct))
            {
                var connection = tx.Connection;
                var keys = batch.Where(w => w.OfferId is not null).Select(w => w.OfferId!.Value).Distinct().Order()
                    .Select(id => id.ToString()).ToArray();
                HashSet<Guid> unhandled;
                await using (var reads = await connection.QueryMultipleAsync(LockOffersAndRecordSql, new
                {
                    Keys = keys, MessageIds = batch.Select(w => w.MessageId).ToArray(), batch[0].Consumer,
                }, tx.Transaction))
                {
                    await reads.ReadAsync(); // the locks
                    unhandled = (await reads.ReadAsync<Guid>()).ToHashSet();
                }
                var matches = new List<Match>();
                try
                {
                    foreach (var w in batch)
                        if (unhandled.Remove(w.MessageId) && await w.Store(tx) is { } match) // a message twice in one batch has one effect
                            matches.Add(match);
                    // A batch with nothing to match (say, cargo offers whose routes are still to come) needs no turn.
                    if (matches.Count > 0)
                    {
                        await connection.ExecuteAsync(shared ? SharedTurnSql : TurnSql, new { Kind = kind }, tx.Transaction);
                        await offers.CatchUp(ct);
                        foreach (var match in matches) await match();
                        await ProposeNow(tx);
                    }
                }
                finally
                {
                    proposing.TryRemove(tx, out _);
                }
                await tx.Commit(ct);
            }
            if (Stages(kind, shared)) offers.KeepStaged();
            foreach (var w in batch) w.Done.TrySetResult();
        }
        catch (Exception e) when (batch.Count > 1 && !IsTransient(e))
        {
            if (Stages(kind, shared)) offers.DropStaged();
            foreach (var w in batch) await HandleBatch(kind, shared, [w], ct);
        }
        catch (Exception e)
        {
            // One at a time would only repeat a failure that is not the messages' (database away, pool empty,
            // deadlock): every message fails now and its consumer retries it with back-off.
            if (Stages(kind, shared)) offers.DropStaged();
            foreach (var w in batch) w.Done.TrySetException(e);
        }
    }

    private const string LockOffersSql =
        "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(@Keys) AS o(k)";

    /// <summary>
    /// Offers whose places were freed (a proposal declined because its capacity is gone, or expired) are proposed
    /// their next best with room: a cargo offer its next best chains, a trade offer its next best counterparts. Taken
    /// like a message: the offers' locks, then the kind's turn (shared for cargo, alone for trade), the index caught
    /// up; offers closed meanwhile are no longer in the index and get nothing. Returns how many were proposed.
    /// </summary>
    /// <remarks>Nothing is proposed with an offer whose validity ended before <paramref name="today"/> (default: today, UTC).</remarks>
    public async Task<int> Refill(IReadOnlyList<Freed> freed, DateOnly? today = null, CancellationToken ct = default)
    {
        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var proposed = 0;
        foreach (var f in freed.Where(f => f.OfferIds.Count > 0))
        {
            var cargo = f.Kind == MatchKinds.CargoCapacity;
            await using var tx = await outbox.Begin(ct);
            await tx.Connection.ExecuteAsync(LockOffersSql,
                new { Keys = f.OfferIds.Distinct().Order().Select(id => id.ToString()).ToArray() }, tx.Transaction);
            await tx.Connection.ExecuteAsync(cargo ? SharedTurnSql : TurnSql, new { Kind = cargo ? CargoCapacity : Trade }, tx.Transaction);
            await offers.CatchUp(ct);
            // More than the places, best first: the best ones may have been proposed (and declined) before.
            var take = rules.MaxOpenProposalsPerOffer * 4;
            var best = offers.Read(i => f.OfferIds.SelectMany(id => cargo
                    ? i.Cargo(id) is { } offer && offer.DeliverBy >= day
                        ? i.MatchCargo(offer, i.RoutesOf(id), rules, take)
                            .Where(m => m.Chain.Segments.All(s => s.Capacity.DepartureTo >= day)).Select(Proposal.From)
                        : []
                    : i.Trade(id) is { } trade && trade.ValidUntil >= day
                        ? i.MatchTrade(trade, int.MaxValue)
                            .Where(m => m.Seller.ValidUntil >= day && m.Buyer.ValidUntil >= day).Select(Proposal.From)
                        : [])
                .OrderByDescending(p => p.Score).ToList());
            var chosen = await tx.WithRoom(best, rules, int.MaxValue);
            if (chosen.Count == 0) continue;
            proposed += await tx.Propose(chosen, rules, ordered: true);
            await tx.Commit(ct);
        }
        return proposed;
    }

    /// <summary>
    /// Only turns of the cargo-capacity kind taken alone stage offers, one at a time in this process (one slot per
    /// kind); a trade turn that ends meanwhile must not keep or drop what they staged.
    /// </summary>
    private static bool Stages(string kind, bool shared) => !shared && kind == CargoCapacity;

    private static bool IsTransient(Exception e) =>
        e is NpgsqlException { IsTransient: true } or TimeoutException or OperationCanceledException;
}
