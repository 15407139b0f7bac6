using System.Collections.Concurrent;
using Dapper;
using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Matches;

namespace TradeHub.Matching.Offers;

/// <summary>
/// Matching's work in partitions (cargo-capacity, trade), each with one writer at a time. The broker gives each
/// partition queue to one active instance (single active consumer), and that instance owns the partition's part of
/// the index in memory: a batch of messages is one transaction (inbox, projection, proposals, outbox) whose changes go
/// straight into the index, so the next message of the batch sees them and nothing is read back from the database.
/// <para>
/// Every writer of a partition's rows first bumps the partition's row
/// (<c>UPDATE partitions SET version = version + 1 ... RETURNING version</c>) in its own transaction. With one active
/// consumer that row is uncontended; during a failover, when two instances are briefly active, it makes them take
/// turns, and the writers outside the queue (a confirmation over HTTP, a refill after an expiry) take their turn the
/// same way. A writer whose returned version is not its last one + 1 knows someone else wrote in between and catches
/// its index up from the database first (<see cref="OpenOffers.Own"/>); otherwise its index is the truth already.
/// </para>
/// <para>
/// In this process one batch of a partition runs at a time; messages of a consumer that wait meanwhile are taken
/// together in the next batch. If a batch fails for something in a message, each of its messages is handled again
/// alone, so only the bad one fails (and is retried, then parked in the error queue, by its own consumer); if it fails
/// for the database (away, pool empty), every message fails at once and is retried with back-off. A failed batch may
/// have changed the index: the partition is reloaded before its next batch.
/// </para>
/// </summary>
public sealed class Partitions(Outbox outbox, OpenOffers offers, MatchingRules rules)
{
    public const string CargoCapacity = "cargo-capacity";
    public const string Trade = "trade";

    /// <summary>Most messages handled in one transaction.</summary>
    public const int MaxBatch = 32;

    /// <summary>The partition's turn (it waits for the batch of another instance that is briefly active too), then the batch's inbox records.</summary>
    private const string BumpAndRecordSql = $"""
        UPDATE partitions SET version = version + 1 WHERE name = @Partition
        RETURNING version, pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS Horizon;
        {Inbox.RecordManySql}
        """;

    private const string BumpSql = """
        UPDATE partitions SET version = version + 1 WHERE name = @Partition
        RETURNING version, pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS Horizon
        """;

    /// <summary>For a writer outside the partition's queue: its turn on the partition of the match's kind.</summary>
    public const string BumpForMatchSql = $"""
        UPDATE partitions SET version = version + 1
        WHERE name = (SELECT CASE kind WHEN '{MatchKinds.CargoCapacity}' THEN '{CargoCapacity}' ELSE '{Trade}' END
                      FROM matches WHERE id = @Id)
        """;

    private sealed record Turn(long Version, long Horizon);

    private sealed record Work(Guid MessageId, string Consumer, Func<PartitionWork, Task> Run)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Some batch has it (set once, by whoever took it off the queue).</summary>
        public volatile bool Taken;
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> slots = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Work>> waiting = new();

    private SemaphoreSlim Slot(string partition) => slots.GetOrAdd(partition, _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// Handles the message once (inbox) in a batch of the partition: <paramref name="run"/> stores it, changes the
    /// index as it changed the tables, matches and proposes (<see cref="PartitionWork.Propose"/>).
    /// </summary>
    public async Task Handle<T>(ConsumeContext<T> context, string partition, string consumer, Func<PartitionWork, Task> run)
        where T : class
    {
        var work = new Work(context.MessageId ?? throw new InvalidOperationException("Message without MessageId"), consumer, run);
        var ct = context.CancellationToken;
        var queue = waiting.GetOrAdd(consumer, _ => new ConcurrentQueue<Work>());
        queue.Enqueue(work);
        var slot = Slot(partition);
        while (!work.Taken)
        {
            await slot.WaitAsync(ct);
            try
            {
                // Whoever gets the slot handles what of its consumer waits, its own message included (or already taken).
                if (!work.Taken) await HandleBatch(partition, Take(queue), ct);
            }
            finally
            {
                slot.Release();
            }
        }
        await work.Done.Task;
    }

    /// <summary>
    /// Runs a writer outside the partition's queue (a refill after a decision or an expiry) as one transaction with the
    /// partition's turn and a current index.
    /// </summary>
    public async Task<TResult> Run<TResult>(string partition, Func<PartitionWork, Task<TResult>> run, CancellationToken ct = default)
    {
        var slot = Slot(partition);
        await slot.WaitAsync(ct);
        try
        {
            try
            {
                await using var tx = await outbox.Begin(ct);
                var turn = await tx.Connection.QuerySingleAsync<Turn>(BumpSql, new { Partition = partition }, tx.Transaction);
                await offers.Own(partition, turn.Version, ct);
                var work = new PartitionWork(tx, offers, rules);
                var result = await run(work);
                await work.ProposeNow();
                await tx.Commit(ct);
                offers.Committed(partition, turn.Version, turn.Horizon);
                return result;
            }
            catch
            {
                offers.Invalidate(partition);
                throw;
            }
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>Loads the partition's part of the index (at start-up), unless a turn has already.</summary>
    public async Task Load(string partition, CancellationToken ct = default)
    {
        var slot = Slot(partition);
        await slot.WaitAsync(ct);
        try
        {
            if (offers.Unsure(partition)) await offers.Reload(partition, ct);
        }
        finally
        {
            slot.Release();
        }
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

    private async Task HandleBatch(string partition, List<Work> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        try
        {
            await using (var tx = await outbox.Begin(ct))
            {
                Turn turn;
                HashSet<Guid> unhandled;
                await using (var reads = await tx.Connection.QueryMultipleAsync(BumpAndRecordSql, new
                {
                    Partition = partition, MessageIds = batch.Select(w => w.MessageId).ToArray(), batch[0].Consumer,
                }, tx.Transaction))
                {
                    turn = await reads.ReadSingleAsync<Turn>();
                    unhandled = (await reads.ReadAsync<Guid>()).ToHashSet();
                }
                await offers.Own(partition, turn.Version, ct);
                var work = new PartitionWork(tx, offers, rules);
                foreach (var w in batch)
                    if (unhandled.Remove(w.MessageId)) // a message twice in one batch has one effect
                        await w.Run(work);
                await work.ProposeNow();
                await tx.Commit(ct);
                offers.Committed(partition, turn.Version, turn.Horizon);
            }
            foreach (var w in batch) w.Done.TrySetResult();
        }
        catch (Exception e) when (batch.Count > 1 && !IsTransient(e))
        {
            offers.Invalidate(partition);
            foreach (var w in batch) await HandleBatch(partition, [w], ct);
        }
        catch (Exception e)
        {
            // One at a time would only repeat a failure that is not the messages' (database away, pool empty,
            // deadlock): every message fails now and its consumer retries it with back-off.
            offers.Invalidate(partition);
            foreach (var w in batch) w.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// Offers whose places were freed (a proposal declined because its capacity is gone, or expired) are proposed
    /// their next best with room, each kind in its partition's turn. Returns how many were proposed.
    /// </summary>
    /// <remarks>Nothing is proposed with an offer whose validity ended before <paramref name="today"/> (default: today, UTC).</remarks>
    public async Task<int> Refill(IReadOnlyList<Freed> freed, DateOnly? today = null, CancellationToken ct = default)
    {
        var proposed = 0;
        foreach (var f in freed.Where(f => f.OfferIds.Count > 0))
            proposed += await Run(f.Kind == MatchKinds.CargoCapacity ? CargoCapacity : Trade, w => w.Refill([f], today), ct);
        return proposed;
    }

    private static bool IsTransient(Exception e) =>
        e is NpgsqlException { IsTransient: true } or TimeoutException or OperationCanceledException;
}

/// <summary>One transaction of a partition: the tables through <see cref="Tx"/>, the index it owns, the proposals it makes.</summary>
public sealed class PartitionWork(OutboxTransaction tx, OpenOffers offers, MatchingRules rules)
{
    private readonly List<Proposal> proposing = [];

    public OutboxTransaction Tx => tx;
    public NpgsqlConnection Connection => tx.Connection;
    public NpgsqlTransaction Transaction => tx.Transaction;
    public MatchingRules Rules => rules;

    /// <summary>Reads (matches against) the index, as this transaction has changed it so far.</summary>
    public T Read<T>(Func<OfferIndex, T> read) => offers.Read(read);

    /// <summary>Changes the index as this transaction changed the tables (undone by a reload if it rolls back).</summary>
    public void Change(Action<OfferIndex> change) => offers.Change(change);

    /// <summary>
    /// Proposes in this transaction. The proposals of the batch's messages are stored together, in one round trip,
    /// before it commits (each message's best first, the messages in order), so each still sees the ones before it
    /// when its offers' open proposals are counted.
    /// </summary>
    public void Propose(IEnumerable<Proposal> proposals) => proposing.AddRange(proposals.OrderByDescending(p => p.Score));

    /// <summary>Stores what this transaction has proposed so far now, for a statement that must see it.</summary>
    public async Task ProposeNow()
    {
        if (proposing.Count == 0) return;
        var pending = proposing.ToList();
        proposing.Clear();
        await tx.Propose(pending, rules, ordered: true);
    }

    /// <summary>Of the given proposals (best first), those whose offers still have room, counting this transaction's.</summary>
    public async Task<List<Proposal>> WithRoom(IEnumerable<Proposal> best, int take)
    {
        await ProposeNow();
        return await tx.WithRoom(best, rules, take);
    }

    private const int RefillChunk = 200;

    /// <summary>
    /// Proposes the freed offers their next best with room: a cargo offer its next best chains, a trade offer its next
    /// best counterparts; offers closed meanwhile are no longer in the index and get nothing.
    /// </summary>
    public async Task<int> Refill(IReadOnlyList<Freed> freed, DateOnly? today = null)
    {
        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var proposed = 0;
        await ProposeNow();
        // A withdrawn capacity offer can free thousands of cargo offers: their next best are found and chosen a few
        // hundred offers at a time, so that neither the candidates nor their room check grow with the whole of them.
        foreach (var f in freed.SelectMany(f => f.OfferIds.Chunk(RefillChunk).Select(ids => f with { OfferIds = ids })))
        {
            var cargo = f.Kind == MatchKinds.CargoCapacity;
            // More than the places, best first: the best ones may have been proposed (and declined) before.
            var take = rules.MaxOpenProposalsPerOffer * 4;
            var best = Read(i => f.OfferIds.SelectMany(id => cargo
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
        }
        return proposed;
    }
}
