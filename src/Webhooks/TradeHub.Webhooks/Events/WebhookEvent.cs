using System.Text.Json;
using Dapper;
using Npgsql;

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

    // Each event with its own organisations, passed flat as (event, organisation) pairs; the events one statement
    // keeps and queues are those some enabled subscription of their organisations asked for. With @Consumer, each
    // event is a bus message (its id the message id) recorded in the inbox by the same statement, and only when some
    // subscription wants it: an event nobody subscribed to leaves no row, a redelivered one (recorded) queues nothing.
    private const string FanOutSql = """
        WITH targets AS (
            SELECT DISTINCT p.event_id, s.id AS subscription_id
            FROM unnest(@PairEvents, @PairOrgs) AS p(event_id, org)
            JOIN subscriptions s ON s.org = p.org AND s.enabled AND (@Type = ANY(s.events) OR '*' = ANY(s.events))
        ), recorded AS (
            INSERT INTO inbox (message_id, consumer)
            SELECT DISTINCT event_id, @Consumer::text FROM targets WHERE @Consumer::text IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING message_id
        ), wanted AS (
            SELECT event_id FROM targets WHERE @Consumer::text IS NULL UNION SELECT message_id FROM recorded
        ), kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT e.id, @Type, e.body, e.occurred_at FROM unnest(@Ids, @Bodies, @OccurredAts) AS e(id, body, occurred_at)
            WHERE e.id IN (SELECT event_id FROM wanted)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.subscription_id, t.event_id, @Type, now(), now()
        FROM unnest(@Ids) WITH ORDINALITY AS e(id, n) JOIN targets t ON t.event_id = e.id
        WHERE e.id IN (SELECT event_id FROM wanted)
        ORDER BY e.n, t.subscription_id
        """;

    /// <summary>One event fanned out inside the caller's transaction; returns how many deliveries it queued.</summary>
    public static Task<int> FanOut(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) =>
        Execute(connection, tx, null, type, [(id, orgs, occurredAt, data)]);

    /// <summary>
    /// Many events of one type, each to its own organisations, in one statement, in order, once per
    /// <paramref name="consumer"/>: each event's id (the webhook-id) recorded in the inbox by the same statement when
    /// some subscription wants it; returns how many deliveries it queued (none for an event seen before).
    /// </summary>
    public static Task<int> FanOutOnce(NpgsqlConnection connection, NpgsqlTransaction tx, string consumer, string type,
        IReadOnlyList<(Guid Id, IEnumerable<string> Orgs, DateTimeOffset OccurredAt, object Data)> events) =>
        Execute(connection, tx, consumer, type, events);

    private static Task<int> Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string? consumer, string type,
        IReadOnlyList<(Guid Id, IEnumerable<string> Orgs, DateTimeOffset OccurredAt, object Data)> events)
    {
        var pairs = events.SelectMany(e => e.Orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal)
            .Select(org => (e.Id, Org: org))).ToList();
        return connection.ExecuteAsync(FanOutSql, new
        {
            Type = type, Consumer = consumer, PairEvents = pairs.Select(p => p.Id).ToArray(),
            PairOrgs = pairs.Select(p => p.Org).ToArray(), Ids = events.Select(e => e.Id).ToArray(),
            Bodies = events.Select(e => Body(type, e.OccurredAt, e.Data)).ToArray(),
            OccurredAts = events.Select(e => e.OccurredAt).ToArray(),
        }, tx);
    }

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
}
