using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Webhooks.Delivery;
using TradeHub.Webhooks.Events;

namespace TradeHub.Webhooks.Subscriptions;

/// <summary>A subscription as its organisation sees it (never the secret, except once in <see cref="CreatedSubscription"/>).</summary>
public sealed record SubscriptionView(
    Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, string? DisabledReason,
    DateTime? FailingSince, bool RotationOverlap, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record CreatedSubscription(
    Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTime CreatedAt, string Secret);

public sealed record RotatedSecret(string Secret, DateTime PreviousSecretValidUntil);

/// <summary>The answer to a ping: the webhook-id its delivery will carry.</summary>
public sealed record PingQueued(string WebhookId);

/// <summary>Properties rather than a constructor: Npgsql reports a text[] column as Array, which Dapper cannot match to a parameter.</summary>
internal sealed class SubscriptionRow
{
    public Guid Id { get; init; }
    public string Org { get; init; } = "";
    public string Url { get; init; } = "";
    public string[] Events { get; init; } = [];
    public string? Description { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public byte[] Secret { get; init; } = [];
    public DateTime? PreviousSecretUntil { get; init; }
    public DateTime? FailingSince { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    public SubscriptionView View(DateTime now) => new(Id, Url, Events, Description, Enabled, DisabledReason, FailingSince,
        PreviousSecretUntil > now, CreatedAt, UpdatedAt);
}

public static class SubscriptionsApi
{
    private const string Columns = """
        id AS Id, org AS Org, url AS Url, events AS Events, description AS Description, enabled AS Enabled,
        disabled_reason AS DisabledReason, secret AS Secret, previous_secret_until AS PreviousSecretUntil,
        failing_since AS FailingSince, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    // The organisation is part of every lookup: another organisation's subscription is a 404, like an absent one.
    private const string ByIdSql = $"SELECT {Columns} FROM subscriptions WHERE id = @Id AND org = @Org";

    private const string ListSql = $"""
        SELECT {Columns} FROM subscriptions WHERE org = @Org AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string InsertSql = """
        INSERT INTO subscriptions (id, org, url, events, description, secret, created_at, updated_at)
        VALUES (@Id, @Org, @Url, @Events, @Description, @Secret, @At, @At)
        """;

    private const string ClaimKeySql = """
        INSERT INTO idempotency_keys (org, key, request_hash) VALUES (@Org, @Key, @Hash) ON CONFLICT DO NOTHING
        """;

    private const string ReadKeySql = """
        SELECT request_hash AS RequestHash, subscription_id AS SubscriptionId FROM idempotency_keys WHERE org = @Org AND key = @Key
        """;

    private const string SaveKeySql = "UPDATE idempotency_keys SET subscription_id = @Id WHERE org = @Org AND key = @Key";

    // A subscription enabled again starts afresh: no failure streak, no reason.
    private const string UpdateSql = """
        UPDATE subscriptions SET url = COALESCE(@Url, url), events = COALESCE(@Events, events),
            description = COALESCE(@Description, description),
            enabled = COALESCE(@Enabled, enabled),
            disabled_reason = CASE WHEN @Enabled IS NULL THEN disabled_reason WHEN @Enabled THEN NULL ELSE 'by its organisation' END,
            failing_since = CASE WHEN @Enabled THEN NULL ELSE failing_since END,
            updated_at = @At
        WHERE id = @Id AND org = @Org
        """;

    private const string DeleteSql = "DELETE FROM subscriptions WHERE id = @Id AND org = @Org";

    private const string RotateSql = """
        UPDATE subscriptions SET previous_secret = secret, previous_secret_until = @Until, secret = @Secret, updated_at = @At
        WHERE id = @Id AND org = @Org
        """;

    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/api/webhooks").RequireAuthorization().WithTags("Webhooks");
        webhooks.MapPost("/", Create).Validate<CreateSubscription>().WithName("createWebhook")
            .WithSummary("Subscribes an endpoint to the organisation's events; the answer carries the signing secret, shown only here.")
            .Produces<CreatedSubscription>(StatusCodes.Status201Created);
        webhooks.MapGet("/", List).WithName("listWebhooks")
            .WithSummary("The organisation's subscriptions (no secrets).")
            .Produces<Page<SubscriptionView>>();
        webhooks.MapGet("/{id:guid}", Get).WithName("getWebhook")
            .WithSummary("One of the organisation's subscriptions (no secret).")
            .Produces<SubscriptionView>();
        webhooks.MapPatch("/{id:guid}", Update).Validate<UpdateSubscription>().WithName("updateWebhook")
            .WithSummary("Changes a subscription's URL, events, description or enabled flag; enabling it again clears its failure count.")
            .Produces<SubscriptionView>();
        webhooks.MapDelete("/{id:guid}", Delete).WithName("deleteWebhook")
            .WithSummary("Deletes a subscription; nothing more is delivered to it.")
            .Produces(StatusCodes.Status204NoContent);
        webhooks.MapPost("/{id:guid}/rotate-secret", Rotate).WithName("rotateWebhookSecret")
            .WithSummary("A new signing secret; the old one keeps signing too (both signatures are sent) for 24 h.")
            .Produces<RotatedSecret>();
        webhooks.MapPost("/{id:guid}/ping", Ping).WithName("pingWebhook")
            .WithSummary("Queues a webhook.ping delivery.")
            .Produces<PingQueued>(StatusCodes.Status202Accepted);
        return app;
    }

    internal static ProblemHttpResult NotFound() => Refusal.NotFound("webhook");

    /// <summary>Every role may have webhooks; the token must name the organisation that owns them.</summary>
    internal static bool TryCaller(HttpContext http, out Caller caller, out IResult? refusal)
    {
        caller = Caller.From(http.User);
        refusal = string.IsNullOrEmpty(caller.Org) ? Refusal.Forbidden("The token names no organisation.") : null;
        return refusal is null;
    }

    private sealed record StoredKey(string RequestHash, Guid? SubscriptionId);

    private static async Task<IResult> Create(CreateSubscription request, HttpContext http, NpgsqlDataSource db, SecretBox secrets, TimeProvider clock)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["Idempotency-Key"] = ["The Idempotency-Key must be at most 200 characters."] });

        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var tx = await connection.BeginTransactionAsync(http.RequestAborted);
        if (key.Length > 0)
        {
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));
            if (await connection.ExecuteAsync(ClaimKeySql, new { caller.Org, Key = key, Hash = hash }, tx) == 0)
            {
                // A concurrent twin waited on the key's row lock; the first answer is repeated, secret included
                // (decrypted again: the secret itself is never stored in the clear).
                var stored = await connection.QuerySingleAsync<StoredKey>(ReadKeySql, new { caller.Org, Key = key }, tx);
                if (stored.RequestHash != hash)
                    return TypedResults.Problem(statusCode: 409, title: "Idempotency-Key reused with another body.",
                        detail: "This Idempotency-Key was first used with a different request body.");
                var first = stored.SubscriptionId is { } sid
                    ? await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(ByIdSql, new { Id = sid, caller.Org }, tx)
                    : null;
                if (first is null) return NotFound();
                return TypedResults.Created($"/api/webhooks/{first.Id}", new CreatedSubscription(first.Id, first.Url,
                    first.Events, first.Description, first.Enabled, first.CreatedAt, secrets.Open(first.Id, first.Secret)));
            }
        }

        var id = Guid.CreateVersion7();
        var secret = SecretBox.NewSecret();
        var now = clock.GetUtcNow().UtcDateTime;
        var events = request.Events!.Contains(EventTypes.All) ? [EventTypes.All] : request.Events!.Distinct(StringComparer.Ordinal).ToArray();
        await connection.ExecuteAsync(InsertSql, new
        {
            Id = id, caller.Org, request.Url, Events = events, request.Description, Secret = secrets.Seal(id, secret), At = now,
        }, tx);
        if (key.Length > 0) await connection.ExecuteAsync(SaveKeySql, new { Id = id, caller.Org, Key = key }, tx);
        await tx.CommitAsync(http.RequestAborted);
        return TypedResults.Created($"/api/webhooks/{id}",
            new CreatedSubscription(id, request.Url!, events, request.Description, true, now, secret));
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource db, TimeProvider clock, int? limit, string? cursor)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<SubscriptionRow>(ListSql, new { caller.Org, After = after, Take = size + 1 })).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        var now = clock.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new Page<SubscriptionView>(page.Items.Select(r => r.View(now)).ToList(), page.NextCursor));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db, TimeProvider clock)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(ByIdSql, new { Id = id, caller.Org });
        return row is null ? NotFound() : TypedResults.Ok(row.View(clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<IResult> Update(Guid id, UpdateSubscription request, HttpContext http, NpgsqlDataSource db, TimeProvider clock,
        DeliveriesQueued dispatcher)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        var now = clock.GetUtcNow().UtcDateTime;
        string[]? events = request.Events is null ? null
            : request.Events.Contains(EventTypes.All) ? [EventTypes.All] : request.Events.Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var changed = await connection.ExecuteAsync(UpdateSql, new
        {
            Id = id, caller.Org, request.Url, Events = events, request.Description, request.Enabled, At = now,
        });
        if (changed == 0) return NotFound();
        // Deliveries held while it was disabled go out now.
        if (request.Enabled == true) dispatcher.Wake();
        var row = await connection.QuerySingleAsync<SubscriptionRow>(ByIdSql, new { Id = id, caller.Org });
        return TypedResults.Ok(row.View(now));
    }

    private static async Task<IResult> Delete(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        return await connection.ExecuteAsync(DeleteSql, new { Id = id, caller.Org }) == 0 ? NotFound() : TypedResults.NoContent();
    }

    private static async Task<IResult> Rotate(Guid id, HttpContext http, NpgsqlDataSource db, SecretBox secrets, TimeProvider clock,
        WebhooksOptions options)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        var secret = SecretBox.NewSecret();
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + options.RotationOverlap;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var changed = await connection.ExecuteAsync(RotateSql, new
        {
            Id = id, caller.Org, Secret = secrets.Seal(id, secret), Until = until, At = now,
        });
        return changed == 0 ? NotFound() : TypedResults.Ok(new RotatedSecret(secret, until));
    }

    private static async Task<IResult> Ping(Guid id, HttpContext http, NpgsqlDataSource db, TimeProvider clock,
        DeliveriesQueued dispatcher)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var tx = await connection.BeginTransactionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(ByIdSql, new { Id = id, caller.Org }, tx);
        if (row is null) return NotFound();
        var eventId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await WebhookEvent.ToOne(connection, tx, id, eventId, EventTypes.WebhookPing, now, new { webhookId = id, sentAt = now });
        await tx.CommitAsync(http.RequestAborted);
        dispatcher.Wake();
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries", new PingQueued(Sender.WebhookId(eventId)));
    }
}
