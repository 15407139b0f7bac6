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

    private const string TargetsSql = """
        targets AS (
            SELECT id FROM subscriptions
            WHERE org = ANY(@Orgs) AND enabled AND (@Type = ANY(events) OR '*' = ANY(events)))
        """;

    // The event and one pending delivery per matching enabled subscription, in one statement; the event is kept
    // only when some subscription wants it.
    private const string FanOutSql = $"""
        WITH {TargetsSql}, kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT @Id, @Type, @Body, @OccurredAt WHERE EXISTS (SELECT 1 FROM targets)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.id, @Id, @Type, now(), now() FROM targets t ORDER BY t.id
        """;

    // The message's inbox record goes in the same statement, and only when some subscription wants the event: an
    // event nobody subscribed to costs one statement and leaves no row; a redelivered one (recorded) queues nothing.
    private const string FanOutOnceSql = $"""
        WITH {TargetsSql}, recorded AS (
            INSERT INTO inbox (message_id, consumer) SELECT @Id, @Consumer WHERE EXISTS (SELECT 1 FROM targets)
            ON CONFLICT DO NOTHING RETURNING 1
        ), kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT @Id, @Type, @Body, @OccurredAt WHERE EXISTS (SELECT 1 FROM recorded)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.id, @Id, @Type, now(), now() FROM targets t WHERE EXISTS (SELECT 1 FROM recorded) ORDER BY t.id
        """;

    /// <summary>Fans an event out inside the caller's transaction; returns how many deliveries it queued.</summary>
    public static Task<int> FanOut(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string type,
        IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) =>
        connection.ExecuteAsync(FanOutSql, Args(id, type, orgs, occurredAt, data), tx);

    /// <summary>
    /// Fans out the event of one bus message (its id is the webhook-id) once per <paramref name="consumer"/>, recorded
    /// in the inbox by the same statement; returns how many deliveries it queued (none for a redelivery).
    /// </summary>
    public static Task<int> FanOutOnce(NpgsqlConnection connection, NpgsqlTransaction tx, Guid messageId, string consumer,
        string type, IEnumerable<string> orgs, DateTimeOffset occurredAt, object data)
    {
        var args = new DynamicParameters(Args(messageId, type, orgs, occurredAt, data));
        args.Add("Consumer", consumer);
        return connection.ExecuteAsync(FanOutOnceSql, args, tx);
    }

    private static object Args(Guid id, string type, IEnumerable<string> orgs, DateTimeOffset occurredAt, object data) => new
    {
        Id = id, Type = type,
        Orgs = orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal).ToArray(),
        Body = Body(type, occurredAt, data), OccurredAt = occurredAt,
    };

    // Each event with its own organisations, passed flat as (event, organisation) pairs.
    private const string FanOutManySql = """
        WITH targets AS (
            SELECT DISTINCT p.event_id, s.id AS subscription_id
            FROM unnest(@PairEvents, @PairOrgs) AS p(event_id, org)
            JOIN subscriptions s ON s.org = p.org AND s.enabled AND (@Type = ANY(s.events) OR '*' = ANY(s.events))
        ), kept AS (
            INSERT INTO webhook_events (id, type, body, occurred_at)
            SELECT e.id, @Type, e.body, e.occurred_at FROM unnest(@Ids, @Bodies, @OccurredAts) AS e(id, body, occurred_at)
            WHERE EXISTS (SELECT 1 FROM targets t WHERE t.event_id = e.id)
            ON CONFLICT DO NOTHING
        )
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        SELECT uuid_v7(), t.subscription_id, t.event_id, @Type, now(), now()
        FROM unnest(@Ids) WITH ORDINALITY AS e(id, n) JOIN targets t ON t.event_id = e.id ORDER BY e.n, t.subscription_id
        """;

    /// <summary>
    /// <see cref="FanOut"/> for many events of one type, each to its own organisations (a carrier's batch of tracking
    /// events, the estimates a closure moved), in one statement, in order; returns how many deliveries it queued.
    /// </summary>
    public static Task<int> FanOutMany(NpgsqlConnection connection, NpgsqlTransaction tx, string type,
        IReadOnlyList<(Guid Id, IEnumerable<string> Orgs, DateTimeOffset OccurredAt, object Data)> events)
    {
        var pairs = events.SelectMany(e => e.Orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal)
            .Select(org => (e.Id, Org: org))).ToList();
        return connection.ExecuteAsync(FanOutManySql, new
        {
            Type = type, PairEvents = pairs.Select(p => p.Id).ToArray(), PairOrgs = pairs.Select(p => p.Org).ToArray(),
            Ids = events.Select(e => e.Id).ToArray(), Bodies = events.Select(e => Body(type, e.OccurredAt, e.Data)).ToArray(),
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
