using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Matches;

/// <summary>Matches for their parties: list, read, accept, decline. A match of others is answered 404.</summary>
public static class MatchesApi
{
    private const string ListSql = $"""
        SELECT {MatchRow.Columns} FROM matches
        WHERE party_orgs @> ARRAY[@Org]
          AND (@OfferId::uuid IS NULL OR offer_ids @> ARRAY[@OfferId::uuid])
          AND (@Status::text IS NULL OR status = @Status)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC
        LIMIT @Take
        """;

    private const string GetSql = $"SELECT {MatchRow.Columns} FROM matches WHERE id = @Id AND party_orgs @> ARRAY[@Org]";

    private const string TrustSql = "SELECT org, score FROM trust_scores WHERE org = ANY(@Orgs)";

    /// <summary>The latest trust scores Shipments published for the parties of these matches.</summary>
    private static async Task<IReadOnlyDictionary<string, int>> TrustOf(NpgsqlConnection connection,
        IEnumerable<MatchRow> rows, CancellationToken ct) =>
        (await connection.QueryAsync<(string Org, int Score)>(new CommandDefinition(TrustSql,
            new { Orgs = rows.SelectMany(r => r.PartyOrgs).Distinct().ToArray() }, cancellationToken: ct)))
        .ToDictionary(t => t.Org, t => t.Score);

    public static IEndpointRouteBuilder MapMatchesApi(this IEndpointRouteBuilder app)
    {
        var matches = app.MapGroup("/api/matches").RequireAuthorization().WithTags("Matches");

        matches.MapGet("/", async Task<Results<Ok<Page<MatchView>>, ValidationProblem>> (
            string? offerId, string? status, int? limit, string? cursor, HttpContext http, NpgsqlDataSource dataSource,
            CancellationToken ct) =>
        {
            Cursor.TryRead(limit, cursor, out var size, out var after, out var errors);
            Guid? offer = null;
            if (!string.IsNullOrEmpty(offerId))
            {
                if (Guid.TryParse(offerId, out var parsed)) offer = parsed;
                else errors["offerId"] = ["'offerId' must be an offer id (a UUID)."];
            }
            if (!string.IsNullOrEmpty(status) && !MatchStatuses.All.Contains(status))
                errors["status"] = ["'status' must be one of proposed, accepted, confirmed, declined or expired."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query has invalid parameters.");

            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var stored = (await connection.QueryAsync<MatchRow>(new CommandDefinition(ListSql, new
            {
                Caller.From(http.User).Org, OfferId = offer, Status = string.IsNullOrEmpty(status) ? null : status,
                After = after, Take = size + 1,
            }, cancellationToken: ct))).AsList();
            var trust = await TrustOf(connection, stored, ct);
            var rows = stored.Select(r => r.View(Caller.From(http.User).Org, trust)).ToList();
            return TypedResults.Ok(Cursor.Page(rows, size, r => r.Id));
        }).WithName("listMatches").WithSummary("Lists the caller's organisation's matches, newest first, a page at a time.");

        matches.MapGet("/{id:guid}", async Task<Results<Ok<MatchView>, ProblemHttpResult>> (
            Guid id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<MatchRow>(new CommandDefinition(GetSql,
                new { Id = id, Caller.From(http.User).Org }, cancellationToken: ct));
            return row is null
                ? TypedResults.Problem(statusCode: 404, title: "No such match among yours.")
                : TypedResults.Ok(row.View(Caller.From(http.User).Org, await TrustOf(connection, [row], ct)));
        }).WithName("getMatch").WithSummary("One match the caller's organisation is party to.");

        matches.MapPost("/{id:guid}/accept", (Guid id, HttpContext http, Outbox outbox, OpenOffers offers,
                Partitions partitions, ILogger<MatchRow> log, CancellationToken ct) =>
            Decide(MatchLifecycle.Accept, id, http, outbox, partitions, log, ct))
            .WithName("acceptMatch").WithSummary("Accepts a proposed match for the caller's side; confirmed once both sides accept.");
        matches.MapPost("/{id:guid}/decline", (Guid id, HttpContext http, Outbox outbox, OpenOffers offers,
                Partitions partitions, ILogger<MatchRow> log, CancellationToken ct) =>
            Decide(MatchLifecycle.Decline, id, http, outbox, partitions, log, ct))
            .WithName("declineMatch").WithSummary("Declines a match; its offers become matchable again.");
        return app;
    }

    private static async Task<Results<Ok<MatchView>, ProblemHttpResult>> Decide(
        Func<Outbox, Guid, string, CancellationToken, Task<Decision>> decide,
        Guid id, HttpContext http, Outbox outbox, Partitions partitions, ILogger log,
        CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (string.IsNullOrEmpty(caller.Org)) return TypedResults.Problem(statusCode: 404, title: "No such match among yours.");
        var decision = await decide(outbox, id, caller.Org, ct);
        if (decision.Freed.Count > 0)
        {
            // The decision stands whatever happens here; an offer left short is refilled when a later proposal of
            // it lapses or is declined.
            try { await partitions.Refill(decision.Freed, ct: ct); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning(e, "Proposing the next best after match {MatchId} failed", id);
            }
        }
        if (decision.Status != 200)
            return TypedResults.Problem(statusCode: decision.Status,
                title: decision.Status == 404 ? "No such match among yours." : "The match cannot change that way.",
                detail: decision.Problem);
        return TypedResults.Ok(decision.Match!.View(caller.Org));
    }
}
