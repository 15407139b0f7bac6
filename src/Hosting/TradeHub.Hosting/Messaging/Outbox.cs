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
    public const string Channel = "tradehub_outbox";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO outbox (id, message_type, body, trace_parent)
        VALUES (@Id, @MessageType, CAST(@Body AS jsonb), @TraceParent);
        SELECT pg_notify('tradehub_outbox', '');
        """;

    /// <summary>Adds one event; its id becomes the MessageId on the bus.</summary>
    public static Task Enqueue<T>(this NpgsqlConnection connection, NpgsqlTransaction transaction, T message)
        where T : class =>
        connection.ExecuteAsync(InsertSql, new
        {
            Id = Guid.CreateVersion7(),
            MessageType = TypeName(typeof(T)),
            Body = JsonSerializer.Serialize(message, Json),
            TraceParent = Activity.Current?.Id,
        }, transaction);

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
