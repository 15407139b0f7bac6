using Dapper;
using Npgsql;
using TradeHub.Hosting.Http;
using TradeHub.Webhooks.Subscriptions;

namespace TradeHub.Webhooks.Delivery;

/// <summary>The answer to a replay: how many deliveries were queued again.</summary>
public sealed record ReplayQueued(int Replayed);

public sealed record AttemptView(int Attempt, DateTime At, int? StatusCode, int LatencyMs, string? Error);

/// <summary>One delivery of one event to the subscription: its webhook-id, state and every attempt.</summary>
public sealed record DeliveryView(
    Guid Id, string WebhookId, string EventType, string Status, bool Replay, int Attempts, int? LastStatusCode,
    string? LastError, DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? CompletedAt, IReadOnlyList<AttemptView> AttemptLog);

internal sealed record DeliveryRow(
    Guid Id, Guid EventId, string EventType, string Status, bool Replay, int Attempts, int? LastStatus, string? LastError,
    DateTime CreatedAt, DateTime NextAttemptAt, DateTime? CompletedAt);

internal sealed record AttemptRow(Guid DeliveryId, int Attempt, DateTime At, int? StatusCode, int LatencyMs, string? Error);

public static class DeliveriesApi
{
    private static readonly string[] Statuses = ["pending", "succeeded", "failed"];

    private const string OwnedSql = "SELECT true FROM subscriptions WHERE id = @Id AND org = @Org";

    private const string ListSql = """
        SELECT id AS Id, event_id AS EventId, event_type AS EventType, status AS Status, replay AS Replay, attempts AS Attempts,
            last_status AS LastStatus, last_error AS LastError, created_at AS CreatedAt, next_attempt_at AS NextAttemptAt,
            completed_at AS CompletedAt
        FROM deliveries
        WHERE subscription_id = @Id AND (@Status::text IS NULL OR status = @Status)
          AND (@Since::timestamptz IS NULL OR created_at >= @Since) AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string AttemptsSql = """
        SELECT delivery_id AS DeliveryId, attempt AS Attempt, at AS At, status_code AS StatusCode, latency_ms AS LatencyMs,
            error AS Error
        FROM delivery_attempts WHERE delivery_id = ANY(@Ids) ORDER BY delivery_id, attempt
        """;

    // The range's original deliveries, queued again in their order with their events (so their webhook-ids).
    private const string ReplaySql = """
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, replay, next_attempt_at, created_at)
        SELECT uuid_v7(), subscription_id, event_id, event_type, true, now(), now()
        FROM deliveries
        WHERE subscription_id = @Id AND NOT replay AND created_at >= @Since AND (@Until::timestamptz IS NULL OR created_at < @Until)
          AND (@Events::text[] IS NULL OR event_type = ANY(@Events))
        ORDER BY seq
        """;

    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/api/webhooks/{id:guid}").RequireAuthorization().WithTags("Webhooks");
        webhooks.MapGet("/deliveries", List).WithName("listWebhookDeliveries")
            .WithSummary("The subscription's deliveries, newest first, with every attempt's status code, latency and error.")
            .Produces<Page<DeliveryView>>();
        webhooks.MapPost("/replay", Replay).Validate<ReplayDeliveries>().WithName("replayWebhookDeliveries")
            .WithSummary("Delivers the events of a time range again, with their original webhook-ids.")
            .Produces<ReplayQueued>(StatusCodes.Status202Accepted);
        return app;
    }

    private static async Task<IResult> List(Guid id, HttpContext http, NpgsqlDataSource db, string? status, DateTimeOffset? since,
        int? limit, string? cursor)
    {
        if (!SubscriptionsApi.TryCaller(http, out var caller, out var refusal)) return refusal!;
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        if (status is not null && !Statuses.Contains(status))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["status"] = ["'status' must be pending, succeeded or failed."] });
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        if (!await connection.ExecuteScalarAsync<bool>(OwnedSql, new { Id = id, caller.Org })) return SubscriptionsApi.NotFound();
        var rows = (await connection.QueryAsync<DeliveryRow>(ListSql, new
        {
            Id = id, Status = status, Since = since, After = after, Take = size + 1,
        })).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        var attempts = (await connection.QueryAsync<AttemptRow>(AttemptsSql, new { Ids = page.Items.Select(r => r.Id).ToArray() }))
            .ToLookup(a => a.DeliveryId);
        var items = page.Items.Select(r => new DeliveryView(r.Id, Sender.WebhookId(r.EventId), r.EventType, r.Status, r.Replay,
            r.Attempts, r.LastStatus, r.LastError, r.CreatedAt, r.Status == "pending" ? r.NextAttemptAt : null, r.CompletedAt,
            attempts[r.Id].Select(a => new AttemptView(a.Attempt, a.At, a.StatusCode, a.LatencyMs, a.Error)).ToList())).ToList();
        return TypedResults.Ok(new Page<DeliveryView>(items, page.NextCursor));
    }

    private static async Task<IResult> Replay(Guid id, ReplayDeliveries request, HttpContext http, NpgsqlDataSource db,
        DeliveriesQueued dispatcher)
    {
        if (!SubscriptionsApi.TryCaller(http, out var caller, out var refusal)) return refusal!;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var tx = await connection.BeginTransactionAsync(http.RequestAborted);
        if (!await connection.ExecuteScalarAsync<bool>(OwnedSql, new { Id = id, caller.Org }, tx)) return SubscriptionsApi.NotFound();
        var queued = await connection.ExecuteAsync(ReplaySql, new
        {
            Id = id, request.Since, request.Until, Events = request.Events is { Count: > 0 } e ? e.ToArray() : null,
        }, tx);
        await tx.CommitAsync(http.RequestAborted);
        if (queued > 0) dispatcher.Wake();
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries", new ReplayQueued(queued));
    }
}
