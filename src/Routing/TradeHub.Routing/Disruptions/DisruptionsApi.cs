using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.CargoOffers;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Disruptions;

/// <summary>Close a node or a leg for an inclusive date range.</summary>
public sealed record OpenDisruption(string? NodeId, string? LegId, DateOnly? From, DateOnly? To, string? Reason);

public sealed class OpenDisruptionValidator : AbstractValidator<OpenDisruption>
{
    public OpenDisruptionValidator()
    {
        RuleFor(x => x.NodeId).NotEmpty().When(x => string.IsNullOrWhiteSpace(x.LegId))
            .WithMessage("Give either 'nodeId' or 'legId'.");
        RuleFor(x => x.LegId).Empty().When(x => !string.IsNullOrWhiteSpace(x.NodeId))
            .WithMessage("Give either 'nodeId' or 'legId', not both.");
        RuleFor(x => x.From).NotNull();
        RuleFor(x => x.To).NotNull();
        RuleFor(x => x.To).GreaterThanOrEqualTo(x => x.From).When(x => x.From is not null && x.To is not null)
            .WithMessage("'to' must not be before 'from'.");
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(500);
    }
}

public sealed record DisruptionView(Guid Id, string? NodeId, string? LegId, DateOnly From, DateOnly To, string Reason,
    DateTimeOffset CreatedAt, int? ReroutedOffers = null)
{
    public static DisruptionView Of(Disruption d, int? rerouted = null) =>
        new(d.Id, d.NodeId, d.LegId, d.From, d.To, d.Reason, d.CreatedAt, rerouted);
}

public static class DisruptionsApi
{
    public static IEndpointRouteBuilder MapDisruptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/network/disruptions").WithTags("Disruptions");
        group.MapPost("/", Open).RequireAuthorization(Roles.Admin).Validate<OpenDisruption>()
            .WithName("openDisruption").WithSummary("Closes a node or leg for a period; affected open cargo offers are re-routed.");
        group.MapGet("/", List).RequireAuthorization()
            .WithName("listDisruptions").WithSummary("Lists current and planned disruptions.");
        group.MapDelete("/{id:guid}", Remove).RequireAuthorization(Roles.Admin)
            .WithName("removeDisruption").WithSummary("Lifts a disruption; routes through it are restored.");
        return app;
    }

    private const string BumpVersionSql = "UPDATE network_state SET version = version + 1 WHERE id = 1 RETURNING version";

    private const string InsertSql = """
        INSERT INTO disruptions (id, node_id, leg_id, from_date, to_date, reason, created_by, created_at)
        VALUES (@Id, @NodeId, @LegId, CAST(@From AS date), CAST(@To AS date), @Reason, @CreatedBy, @CreatedAt)
        """;

    private const string DeleteSql = """
        DELETE FROM disruptions WHERE id = @Id
        RETURNING id AS Id, node_id AS NodeId, leg_id AS LegId, from_date AS From, to_date AS To, reason AS Reason, created_at AS CreatedAt
        """;

    private const string PageSql = """
        SELECT id AS Id, node_id AS NodeId, leg_id AS LegId, from_date AS From, to_date AS To, reason AS Reason, created_at AS CreatedAt
        FROM disruptions WHERE (@After::uuid IS NULL OR id < @After) ORDER BY id DESC LIMIT @Take
        """;

    private sealed record Row(Guid Id, string? NodeId, string? LegId, DateOnly From, DateOnly To, string Reason, DateTime CreatedAt)
    {
        public Disruption ToDisruption() =>
            new(Id, NodeId, LegId, From, To, Reason, new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)));
    }

    private static async Task<Results<Created<DisruptionView>, ValidationProblem>> Open(
        OpenDisruption body, HttpContext http, Outbox outbox, NetworkState state, CancellationToken ct)
    {
        var snapshot = await state.Get(ct);
        var nodeId = body.NodeId?.Trim().ToUpperInvariant();
        var legId = body.LegId?.Trim();
        if (!string.IsNullOrEmpty(nodeId) && !snapshot.Graph.TryGetNode(nodeId, out _))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["nodeId"] = [$"'{body.NodeId}' is not a network node."] });
        if (!string.IsNullOrEmpty(legId))
        {
            if (!snapshot.Network.TryGetLeg(legId, out var leg))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["legId"] = [$"'{body.LegId}' is not a routing leg."] });
            legId = snapshot.Network.Legs[leg].Id;
        }
        var disruption = new Disruption(Guid.CreateVersion7(), string.IsNullOrEmpty(nodeId) ? null : nodeId,
            string.IsNullOrEmpty(legId) ? null : legId, body.From!.Value, body.To!.Value, body.Reason!.Trim(), DateTimeOffset.UtcNow);
        var rerouted = await Change(outbox, state, disruption, lifted: false, Caller.From(http.User).Subject, ct);
        return TypedResults.Created($"/api/network/disruptions/{disruption.Id}", DisruptionView.Of(disruption, rerouted));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, Outbox outbox, NetworkState state, CancellationToken ct)
    {
        var rerouted = await Change(outbox, state, new Disruption(id, null, null, default, default, "", default), lifted: true, "", ct);
        return rerouted is null
            ? TypedResults.Problem(statusCode: 404, title: "No such disruption", detail: $"Disruption {id} does not exist.")
            : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<DisruptionView>>, ValidationProblem>> List(
        int? limit, string? cursor, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors))
            return TypedResults.ValidationProblem(errors);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(PageSql, new { After = after, Take = size + 1 }))
            .Select(r => DisruptionView.Of(r.ToDisruption())).ToList();
        return TypedResults.Ok(Cursor.Page(rows, size, r => r.Id));
    }

    /// <summary>
    /// One transaction: the disruption row, a new network version, the re-routed open cargo offers with their
    /// CargoRoutesComputed, RouteNetworkChanged and the new cost table; then the new snapshot goes live.
    /// Returns the number of re-routed offers, or null when a lifted disruption did not exist.
    /// </summary>
    internal static async Task<int?> Change(Outbox outbox, NetworkState state, Disruption disruption, bool lifted,
        string by, CancellationToken ct)
    {
        await using var work = await outbox.Begin(ct);
        var (connection, tx) = work;
        await connection.ExecuteAsync(NetworkStore.ChangeLockSql, transaction: tx);
        await connection.ExecuteScalarAsync<long>(BumpVersionSql, transaction: tx);
        if (lifted)
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(DeleteSql, new { disruption.Id }, tx);
            if (row is null) return null; // rolls back the version bump
            disruption = row.ToDisruption();
        }
        else
        {
            await connection.ExecuteAsync(InsertSql, new
            {
                disruption.Id, disruption.NodeId, disruption.LegId,
                From = disruption.From.ToDateTime(TimeOnly.MinValue), To = disruption.To.ToDateTime(TimeOnly.MinValue),
                disruption.Reason, CreatedBy = by, disruption.CreatedAt,
            }, tx);
        }
        var snapshot = await NetworkStore.Load(connection, tx);
        var affected = await CargoRouting.Affected(connection, tx, disruption, lifted);
        var rerouted = await CargoRouting.Recompute(work, snapshot, affected, lifted ? "restored" : "disruption");
        await work.Enqueue(new RouteNetworkChanged
        {
            NodeIds = NodesOf(snapshot, disruption),
            Reason = (lifted ? "disruption lifted: " : "disruption: ") + disruption.Reason,
            ChangedAt = DateTimeOffset.UtcNow,
            DisruptionId = disruption.Id,
            LegIds = disruption.LegId is null ? [] : [disruption.LegId],
            ClosedFrom = disruption.From,
            ClosedTo = disruption.To,
            Lifted = lifted,
        });
        await LogisticsCostTable.PublishIfStale(work, snapshot);
        await work.Commit(ct);
        state.Install(snapshot);
        return rerouted;
    }

    private static IReadOnlyList<string> NodesOf(NetworkSnapshot snapshot, Disruption d)
    {
        if (d.NodeId is not null) return [d.NodeId];
        return snapshot.Network.TryGetLeg(d.LegId, out var leg)
            ? [snapshot.Network.Legs[leg].From, snapshot.Network.Legs[leg].To]
            : [];
    }
}
