using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Background;

namespace TradeHub.Webhooks.Delivery;

/// <summary>A delivery taken from the queue with what sending it needs.</summary>
public sealed record ClaimedDelivery(
    Guid Id, long Seq, Guid SubscriptionId, Guid EventId, string EventType, int Attempts, DateTime CreatedAt,
    string Org, string Url, byte[] Secret, byte[]? PreviousSecret, DateTime? PreviousSecretUntil, string Body);

/// <summary>
/// Sends what the delivery table holds. Per subscription only its oldest pending delivery is eligible, so a
/// subscription's deliveries go out in order, one at a time; different subscriptions go out concurrently, up to
/// <see cref="WebhooksOptions.MaxInFlight"/>, and a slow endpoint holds only its own. One statement claims up to
/// the free slots' worth of due subscription heads (decision 0007): each claim is a lease on the subscription taken
/// under FOR UPDATE SKIP LOCKED, so several instances share the queue; a lease of an instance that died runs out
/// and another instance sends the delivery again (at least once; receivers de-duplicate by webhook-id).
/// </summary>
public sealed class Dispatcher(
    NpgsqlDataSource db, Sender sender, WebhooksOptions options, ILogger<Dispatcher> log, IMeterFactory meters)
    : BackgroundService
{
    private static event Action? Queued;

    /// <summary>Wakes every dispatcher of this process (after a transaction that queued deliveries committed).</summary>
    public static void WakeAll() => Queued?.Invoke();

    private readonly WakeSignal _wake = new();

    private const int MinClaim = 16;

    private int _inFlight;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Task> _sends = new();
    private double _queueAgeSeconds;

    private void Wake() => _wake.Wake();

    // Due heads: subscriptions whose oldest pending delivery (head_seq, kept by the queuing trigger and by
    // Heads.AdvanceSql) may be sent now. A claim is a lease: head_due moves to the lease's end, so the subscription
    // has one delivery in flight and is not claimed again until that delivery's outcome sets head_due or the lease
    // runs out. The rows are locked with SKIP LOCKED: another instance's claim is passed over, never waited for,
    // and a row changed since the statement's snapshot is checked again once locked.
    private const string ClaimSql = """
        WITH due AS (
            SELECT id FROM subscriptions
            WHERE enabled AND head_due <= now()
            ORDER BY head_due
            LIMIT @Take
            FOR NO KEY UPDATE SKIP LOCKED
        ), leased AS (
            UPDATE subscriptions s SET head_due = now() + @Lease
            FROM due WHERE s.id = due.id
            RETURNING s.id, s.head_seq, s.org, s.url, s.secret, s.previous_secret, s.previous_secret_until
        )
        SELECT d.id AS Id, d.seq AS Seq, d.subscription_id AS SubscriptionId, d.event_id AS EventId,
            d.event_type AS EventType, d.attempts AS Attempts, d.created_at AS CreatedAt, l.org AS Org, l.url AS Url,
            l.secret AS Secret, l.previous_secret AS PreviousSecret, l.previous_secret_until AS PreviousSecretUntil,
            e.body AS Body
        FROM leased l
        JOIN deliveries d ON d.seq = l.head_seq
        JOIN webhook_events e ON e.id = d.event_id
        """;

    private const string QueueAgeSql = """
        SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 FROM deliveries WHERE status = 'pending'
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var meter = meters.Create("TradeHub");
        meter.CreateObservableGauge("tradehub.webhooks.queue.age", () => _queueAgeSeconds, "s",
            "Age of the oldest pending webhook delivery");
        meter.CreateObservableGauge("tradehub.webhooks.in_flight", () => Volatile.Read(ref _inFlight), null,
            "Webhook deliveries being sent by this instance");
        Queued += Wake;
        try
        {
            await Run(stoppingToken);
        }
        finally
        {
            Queued -= Wake;
            // The sends were cancelled with the stopping token; let them hand their deliveries back.
            await Task.WhenAny(Task.WhenAll(_sends.Values), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }
    }

    private Task Run(CancellationToken stoppingToken)
    {
        var lastAge = DateTime.MinValue;
        return WakeLoop.Run("Webhook dispatcher", _wake, options.PollInterval, async ct =>
        {
            var inFlight = Volatile.Read(ref _inFlight);
            var free = options.MaxInFlight - inFlight;
            // Near the limit, wait until a batch's worth of slots is free (every finished send wakes the loop), so a
            // claim statement takes many deliveries rather than one.
            if (free > 0 && (inFlight == 0 || free >= Math.Min(MinClaim, options.MaxInFlight)))
            {
                var claimed = await Claim(free, ct);
                foreach (var delivery in claimed) Start(delivery, ct);
                // A full batch may leave more due: look again at once.
                if (claimed.Count == free && claimed.Count > 0) return true;
            }
            if (DateTime.UtcNow - lastAge > TimeSpan.FromSeconds(5))
            {
                await using var command = db.CreateCommand(QueueAgeSql);
                _queueAgeSeconds = (double)(await command.ExecuteScalarAsync(ct))!;
                lastAge = DateTime.UtcNow;
            }
            return false;
        }, log, stoppingToken);
    }

    private async Task<IReadOnlyList<ClaimedDelivery>> Claim(int take, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ClaimedDelivery>(ClaimSql,
            new { Take = take, Lease = options.Timeout + TimeSpan.FromSeconds(45) })).AsList();
    }

    // The delivery was not attempted: its head is due again at its own time.
    private const string ReleaseSql = """
        UPDATE subscriptions s SET head_due = d.next_attempt_at
        FROM deliveries d WHERE d.id = @Id AND d.status = 'pending' AND s.id = d.subscription_id AND s.head_seq = d.seq
        """;

    private async Task Release(Guid id)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(ReleaseSql, new { Id = id });
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogInformation(e, "Webhook delivery {Delivery} not handed back; its lease will run out", id);
        }
    }

    private void Start(ClaimedDelivery delivery, CancellationToken ct)
    {
        Interlocked.Increment(ref _inFlight);
        var send = Task.Run(async () =>
        {
            try
            {
                await sender.Send(delivery, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Shutting down: hand the delivery back at once rather than let its lease run out (a crash does
                // that). It may have reached the endpoint already; it is sent again, with the same webhook-id.
                await Release(delivery.Id);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Webhook delivery {Delivery} could not be recorded; its lease will run out and it is sent again", delivery.Id);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                Wake();
            }
        }, CancellationToken.None);
        _sends[delivery.Id] = send;
        // Registered after the add, so the removal always follows it.
        send.ContinueWith(_ => _sends.TryRemove(delivery.Id, out Task? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
