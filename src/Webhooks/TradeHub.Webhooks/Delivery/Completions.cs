using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace TradeHub.Webhooks.Delivery;

/// <summary>A successful attempt waiting to be recorded.</summary>
public sealed record Succeeded(Guid Id, Guid SubscriptionId, int Attempt, DateTime At, int Status, int LatencyMs);

/// <summary>
/// Records successful deliveries in groups: whatever succeeded while the previous group was being written goes in
/// the next one, in one transaction. One commit per delivery cost a round trip and a WAL flush each and held as many
/// pooled connections as deliveries in flight; grouped, the service spends about a third less CPU per delivery
/// (docs/performance.md, "Webhook delivery of the running system"). A lone success is written at once, so a quiet
/// system waits for nothing. The sender awaits its own record, so the subscription's next delivery is not claimed
/// before this one is marked done (order per subscription holds); if the group fails, every sender in it sees the
/// failure and its delivery's lease runs out, as when one write failed.
/// </summary>
public sealed class Completions : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private const int MaxAttempts = 5;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly NpgsqlDataSource _db;
    private readonly Channel<(Succeeded Row, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(Succeeded, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public Completions(NpgsqlDataSource db)
    {
        _db = db;
        _writer = Task.Run(Write);
    }

    /// <summary>Completes once the success is committed.</summary>
    public Task Record(Succeeded row)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((row, done))) done.SetException(new InvalidOperationException("The webhook completions writer has stopped."));
        return done.Task;
    }

    private const string SucceededSql = """
        UPDATE deliveries d SET status = 'succeeded', attempts = r.attempt, last_status = r.status, last_error = NULL,
            lease_until = NULL, completed_at = now()
        FROM unnest(@Ids, @Attempts, @Statuses) AS r(id, attempt, status)
        WHERE d.id = r.id;
        INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, error)
        SELECT r.id, r.attempt, r.at, r.status, r.latency, NULL
        FROM unnest(@Ids, @Attempts, @Ats, @Statuses, @Latencies) AS r(id, attempt, at, status, latency)
        ON CONFLICT DO NOTHING;
        UPDATE subscriptions SET failing_since = NULL WHERE id = ANY(@Subscriptions) AND failing_since IS NOT NULL;
        """;

    private async Task Write()
    {
        var group = new List<(Succeeded Row, TaskCompletionSource Done)>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item)) group.Add(item);
            var rows = group.Select(g => g.Row).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var connection = await _db.OpenConnectionAsync(CancellationToken.None);
                    // One implicit transaction: the three statements go in one batch, committed together.
                    await connection.ExecuteAsync(SucceededSql, new
                    {
                        Ids = rows.Select(r => r.Id).ToArray(),
                        Attempts = rows.Select(r => r.Attempt).ToArray(),
                        Statuses = rows.Select(r => r.Status).ToArray(),
                        Ats = rows.Select(r => r.At).ToArray(),
                        Latencies = rows.Select(r => r.LatencyMs).ToArray(),
                        Subscriptions = rows.Select(r => r.SubscriptionId).Distinct().ToArray(),
                    });
                    foreach (var g in group) g.Done.TrySetResult();
                    break;
                }
                catch (NpgsqlException e) when (e.IsTransient && attempt < MaxAttempts)
                {
                    // These deliveries reached their endpoints; a group given up is sent again when its leases run
                    // out, so a busy server's slow connection is worth a few short waits. Writing a group twice
                    // changes nothing (same values; attempts ON CONFLICT DO NOTHING).
                    await Task.Delay(RetryDelay * attempt);
                }
                catch (Exception e)
                {
                    foreach (var g in group) g.Done.TrySetException(e);
                    break;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
