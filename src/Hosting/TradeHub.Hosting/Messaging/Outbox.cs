using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// Writes integration events into the outbox table inside the caller's transaction, so an event
/// exists exactly when the change that caused it committed. <see cref="OutboxRelay"/> publishes them.
/// </summary>
public static class Outbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Writes the event in the same statement as the change that causes it, only when that change happened:
    /// <c>WITH changed AS (INSERT ... RETURNING 1) INSERT INTO outbox ... SELECT ... FROM changed</c>, with the
    /// parameters of <see cref="RowOf"/>. One round trip instead of two. Alone it writes the event unconditionally.
    /// </summary>
    public const string InsertWhenSql = """
        INSERT INTO outbox (id, message_type, body, trace_parent)
        SELECT @OutboxId, @OutboxType, CAST(@OutboxBody AS json), @OutboxTrace
        """;

    /// <summary>The parameters of <see cref="InsertWhenSql"/> for one event.</summary>
    public sealed record EventRow(Guid OutboxId, string OutboxType, string OutboxBody, string? OutboxTrace);

    public static EventRow RowOf<T>(T message) where T : class =>
        new(Guid.CreateVersion7(), TypeName(typeof(T)), JsonSerializer.Serialize(message, Json), Activity.Current?.Id);

    /// <summary>Adds one event; its id becomes the MessageId on the bus.</summary>
    public static Task Enqueue<T>(this NpgsqlConnection connection, NpgsqlTransaction transaction, T message)
        where T : class =>
        connection.ExecuteAsync(InsertWhenSql, RowOf(message), transaction);

    private const string InsertAllSql = """
        INSERT INTO outbox (id, message_type, body, trace_parent)
        SELECT e.id, @OutboxType, CAST(e.body AS json), @OutboxTrace FROM unnest(@Ids, @Bodies) WITH ORDINALITY AS e(id, body, n)
        ORDER BY e.n
        """;

    /// <summary>Adds events of one type in one statement, in order (a decline of every proposal of an offer, say).</summary>
    public static Task EnqueueAll<T>(this NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<T> messages)
        where T : class
    {
        if (messages.Count == 0) return Task.CompletedTask;
        var rows = messages.Select(RowOf).ToList();
        return connection.ExecuteAsync(InsertAllSql, new
        {
            Ids = rows.Select(r => r.OutboxId).ToArray(),
            Bodies = rows.Select(r => r.OutboxBody).ToArray(),
            OutboxType = TypeName(typeof(T)),
            OutboxTrace = Activity.Current?.Id,
        }, transaction);
    }

    /// <summary>
    /// Commits, then wakes this process's relay so the events go out at once. (No NOTIFY: PostgreSQL serialises
    /// every notifying commit of the cluster on one lock held across the WAL flush, which held cargo-offer ingest
    /// near 100/s here. Rows of an instance that died before its relay ran are found by the other instances' poll.)
    /// </summary>
    public static async Task CommitAndRelay(this NpgsqlTransaction transaction, CancellationToken ct = default)
    {
        await transaction.CommitAsync(ct);
        OutboxRelay.WakeAll();
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
