using System.Text.Json;
using Dapper;
using Npgsql;
using TradeHub.Webhooks.Delivery;

namespace TradeHub.Webhooks.Events;

/// <summary>
/// An event as a webhook carries it: the Standard Webhooks body {type, timestamp, data}, kept once and delivered
/// to every subscription of the organisations it concerns that asked for its type.
/// </summary>
public static class WebhookEvent
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Body(string type, DateTimeOffset timestamp, object data) =>
        JsonSerializer.Serialize(new { type, timestamp, data }, Json);

    /// <summary>
    /// The event and one pending delivery per matching enabled subscription, in one statement; the event is kept
    /// only when some subscription wants it.
    /// </summary>
    private const string FanOutSql = """
        WITH targets AS (
            SELECT id FROM subscriptions
            WHERE org = ANY(@Orgs) AND enabled AND (@Type = ANY(events) OR '*' = ANY(events))
        ), kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT @Id, @Type, @Body, @OccurredAt WHERE EXISTS (SELECT 1 FROM targets)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.id, @Id, @Type, now(), now() FROM targets t ORDER BY t.id
        """;

    /// <summary>Fans an event out inside the caller's transaction; returns how many deliveries it queued.</summary>
    public static Task<int> FanOut(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) =>
        connection.ExecuteAsync(FanOutSql, new
        {
            Id = id, Type = type,
            Orgs = orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal).ToArray(),
            Body = Body(type, occurredAt, data), OccurredAt = occurredAt,
        }, tx);

    private const string FanOutAllSql = """
        WITH targets AS (
            SELECT id FROM subscriptions
            WHERE org = ANY(@Orgs) AND enabled AND (@Type = ANY(events) OR '*' = ANY(events))
        ), kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT e.id, @Type, e.body, @OccurredAt FROM unnest(@Ids, @Bodies) AS e(id, body)
            WHERE EXISTS (SELECT 1 FROM targets)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.id, e.id, @Type, now(), now()
        FROM unnest(@Ids) WITH ORDINALITY AS e(id, n) CROSS JOIN targets t ORDER BY e.n, t.id
        """;

    /// <summary>
    /// <see cref="FanOut"/> for events of one type that concern the same organisations (a carrier's batch of tracking
    /// events), in one statement, in order; returns how many deliveries it queued.
    /// </summary>
    public static Task<int> FanOutAll(NpgsqlConnection connection, NpgsqlTransaction tx, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, IReadOnlyList<(Guid Id, object Data)> events) =>
        connection.ExecuteAsync(FanOutAllSql, new
        {
            Type = type, Orgs = orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal).ToArray(),
            Ids = events.Select(e => e.Id).ToArray(), Bodies = events.Select(e => Body(type, occurredAt, e.Data)).ToArray(),
            OccurredAt = occurredAt,
        }, tx);

    private const string ToOneSql = """
        INSERT INTO webhook_events (id, type, body, occurred_at) VALUES (@Id, @Type, @Body, @OccurredAt);
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        VALUES (uuid_v7(), @SubscriptionId, @Id, @Type, now(), now());
        """;

    /// <summary>An event for one subscription only (webhook.ping).</summary>
    public static Task ToOne(NpgsqlConnection connection, NpgsqlTransaction tx, Guid subscriptionId, Guid id,
        string type, DateTimeOffset occurredAt, object data) =>
        connection.ExecuteAsync(ToOneSql, new
        {
            SubscriptionId = subscriptionId, Id = id, Type = type, Body = Body(type, occurredAt, data), OccurredAt = occurredAt,
        }, tx);

    /// <summary>Wakes this process's dispatcher once the transaction that queued deliveries has committed.</summary>
    public static void Queued() => Dispatcher.WakeAll();
}
