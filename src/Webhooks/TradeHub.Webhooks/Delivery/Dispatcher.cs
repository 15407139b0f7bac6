using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Background;

namespace TradeHub.Webhooks.Delivery;

/// <summary>
/// Wakes the dispatcher: given after a transaction that queued deliveries (or enabled a subscription) has committed,
/// and by each finished send, which frees a slot and may have made its subscription's next delivery the head.
/// </summary>
public sealed class DeliveriesQueued : WakeSignal;

/// <summary>A delivery taken from the queue with what sending it needs.</summary>
public sealed record ClaimedDelivery(
    Guid Id, Guid SubscriptionId, Guid EventId, string EventType, int Attempts, DateTime CreatedAt,
    string Org, string Url, byte[] Secret, byte[]? PreviousSecret, DateTime? PreviousSecretUntil, string Body);

/// <summary>
/// Sends what the delivery table holds. Per subscription only its oldest pending delivery is eligible, so a
/// subscription's deliveries go out in order, one at a time; different subscriptions go out concurrently, up to
/// <see cref="WebhooksOptions.MaxInFlight"/>, and a slow endpoint holds only its own. A claim is a lease taken
/// under FOR UPDATE SKIP LOCKED, so several instances share the queue; a lease of an instance that died runs out
/// and another instance sends the delivery again (at least once; receivers de-duplicate by webhook-id).
/// </summary>
public sealed class Dispatcher(
    NpgsqlDataSource db, Sender sender, DeliveriesQueued wake, WebhooksOptions options, ILogger<Dispatcher> log, IMeterFactory meters)
    : BackgroundService
{
    private int _inFlight;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Task> _sends = new();
    private double _queueAgeSeconds;

    // Heads: the oldest pending delivery of each enabled subscription, when it is due and nobody holds it. Each head
    // is then locked by its id (SKIP LOCKED: another instance's claim is passed over, never waited for) and checked
    // again once locked, so a head another instance has just leased or finished is not taken. Every step after the
    // heads is a lookup by primary key, written so that no plan can do otherwise (a lateral per head, = ANY of an
    // array, a lateral LIMIT 1 per column source): with statistics taken while the queue was nearly empty, a plan
    // could otherwise scan every pending delivery once per claim (migration 0006 says why), which under a backlog
    // of tens of thousands costs more than all the sending.
    private const string ClaimSql = """
        WITH heads AS (
            SELECT h.id FROM subscriptions s
            CROSS JOIN LATERAL (
                SELECT d.id, d.next_attempt_at, d.lease_until FROM deliveries d
                WHERE d.subscription_id = s.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) h
            WHERE s.enabled AND h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
            ORDER BY h.next_attempt_at
            LIMIT @Take
        ), locked AS (
            SELECT l.id FROM heads h
            CROSS JOIN LATERAL (
                SELECT d.id FROM deliveries d
                WHERE d.id = h.id AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
                FOR UPDATE SKIP LOCKED) l
        ), leased AS (
            UPDATE deliveries d SET lease_until = now() + @Lease
            WHERE d.id = ANY(ARRAY(SELECT id FROM locked))
            RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.created_at
        )
        SELECT d.id AS Id, d.subscription_id AS SubscriptionId, d.event_id AS EventId, d.event_type AS EventType,
            d.attempts AS Attempts, d.created_at AS CreatedAt, s.org AS Org, s.url AS Url, s.secret AS Secret,
            s.previous_secret AS PreviousSecret, s.previous_secret_until AS PreviousSecretUntil, e.body AS Body
        FROM leased d
        CROSS JOIN LATERAL (
            SELECT org, url, secret, previous_secret, previous_secret_until FROM subscriptions WHERE id = d.subscription_id LIMIT 1) s
        CROSS JOIN LATERAL (SELECT body FROM webhook_events WHERE id = d.event_id LIMIT 1) e
        """;

    // The oldest pending delivery is the head of its subscription: one probe per subscription, like the claim.
    private const string QueueAgeSql = """
        SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(h.created_at)), 0)::float8 FROM subscriptions s
        CROSS JOIN LATERAL (
            SELECT d.created_at FROM deliveries d
            WHERE d.subscription_id = s.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) h
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var meter = meters.Create("TradeHub");
        meter.CreateObservableGauge("tradehub.webhooks.queue.age", () => _queueAgeSeconds, "s",
            "Age of the oldest pending webhook delivery");
        meter.CreateObservableGauge("tradehub.webhooks.in_flight", () => Volatile.Read(ref _inFlight), null,
            "Webhook deliveries being sent by this instance");
        try
        {
            await Run(stoppingToken);
        }
        finally
        {
            // The sends were cancelled with the stopping token; let them hand their deliveries back.
            await Task.WhenAny(Task.WhenAll(_sends.Values), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }
    }

    private Task Run(CancellationToken stoppingToken)
    {
        var lastAge = DateTime.MinValue;
        var lastClaim = 0L;
        return WakeLoop.Run("Webhook dispatcher", wake, options.PollInterval, async ct =>
        {
            // Wakes within the gap are gathered into the next look (the signal holds one).
            var wait = options.ClaimGap - Stopwatch.GetElapsedTime(lastClaim);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            var free = options.MaxInFlight - Volatile.Read(ref _inFlight);
            if (free > 0)
            {
                lastClaim = Stopwatch.GetTimestamp();
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

    private const string ReleaseSql = "UPDATE deliveries SET lease_until = NULL WHERE id = @Id AND status = 'pending'";

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
                wake.Wake();
            }
        }, CancellationToken.None);
        _sends[delivery.Id] = send;
        // Registered after the add, so the removal always follows it.
        send.ContinueWith(_ => _sends.TryRemove(delivery.Id, out Task? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
