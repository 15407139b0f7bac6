using Dapper;
using MassTransit;
using Npgsql;

namespace TradeHub.Hosting.Messaging;

/// <summary>Makes consumers idempotent: the message id is recorded in the same transaction as the effect.</summary>
public static class Inbox
{
    /// <summary>
    /// Records a message of a consumer (<c>@MessageId</c>, <c>@Consumer</c>); returns a row only when the consumer had
    /// not handled it before. Public for a caller that sends it in one round trip with statements of its own.
    /// </summary>
    public const string RecordSql = """
        INSERT INTO inbox (message_id, consumer) VALUES (@MessageId, @Consumer) ON CONFLICT DO NOTHING RETURNING true
        """;

    /// <summary>True when this consumer has not handled the message before (and now has, once the transaction commits).</summary>
    public static async Task<bool> TryRecordHandled(
        this NpgsqlConnection connection, NpgsqlTransaction transaction, Guid messageId, string consumer) =>
        await connection.ExecuteAsync(RecordSql, new { MessageId = messageId, Consumer = consumer }, transaction) == 1;

    /// <summary>
    /// Records messages of one consumer (<c>@MessageIds</c>, <c>@Consumer</c>) and returns the ids it had not handled
    /// before (and now has, once the transaction commits); for a caller that sends it in one round trip with
    /// statements of its own.
    /// </summary>
    public const string RecordManySql = """
        INSERT INTO inbox (message_id, consumer) SELECT m, @Consumer FROM unnest(@MessageIds) AS m
        ON CONFLICT DO NOTHING RETURNING message_id
        """;

    /// <summary>Runs the effect in one transaction with the inbox record; a redelivered message changes nothing.</summary>
    public static async Task HandleOnce<T>(
        this Outbox outbox, ConsumeContext<T> context, string consumer, Func<OutboxTransaction, Task> effect) where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        await using var tx = await outbox.Begin(context.CancellationToken);
        if (!await tx.Connection.TryRecordHandled(tx.Transaction, messageId, consumer)) return;
        await effect(tx);
        await tx.Commit(context.CancellationToken);
    }
}
