using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace TradeHub.Matching.Flows;

/// <summary>
/// Trade flows for city trade offices: confirmed matches and awarded bids summed by origin, destination and one more
/// dimension. Aggregates only: never a single deal's price or parties, and no row of fewer than
/// <see cref="MinimumMatches"/> matches, which would show one or two deals' size to whoever knows the lane.
/// </summary>
public static class FlowsApi
{
    public const int MinimumMatches = 3;

    /// <summary>groupBy values and the column each one sums by.</summary>
    private static readonly Dictionary<string, string> Groups = new()
    {
        ["corridor"] = "corridor",
        ["mode"] = "mode",
        ["hsChapter"] = "hs_chapter",
        ["month"] = "to_char(month, 'YYYY-MM')",
    };

    public sealed record FlowQuery(string? City, string? Origin, string? Destination, string? GroupBy, DateOnly? Since, DateOnly? Until);

    private sealed record FlowRow(string Origin, string Destination, string? GroupValue, long Matches, long Shipped, long Delivered,
        long Containers, decimal WeightKg);

    public static IEndpointRouteBuilder MapFlowsApi(this IEndpointRouteBuilder app)
    {
        var flows = app.MapGroup("/api").RequireAuthorization("flows").WithTags("Flows");
        flows.MapGet("/flows", async Task<Results<Ok<List<Dictionary<string, object?>>>, ValidationProblem>> (
            string? city, string? origin, string? destination, string? groupBy, string? since, string? until,
            NpgsqlDataSource dataSource, CancellationToken ct) =>
        {
            if (!TryRead(city, origin, destination, groupBy, since, until, out var query, out var errors))
                return TypedResults.ValidationProblem(errors, title: "The query has invalid parameters.");
            return TypedResults.Ok((await Rows(dataSource, query, ct)).Select(r => Json(r, query.GroupBy)).ToList());
        }).WithName("listFlows").WithSummary("Matched trade flows grouped by corridor, mode, HS chapter or month.");
        flows.MapGet("/flows.csv", async Task<Results<FileContentHttpResult, ValidationProblem>> (
            string? city, string? origin, string? destination, string? groupBy, string? since, string? until,
            NpgsqlDataSource dataSource, CancellationToken ct) =>
        {
            if (!TryRead(city, origin, destination, groupBy, since, until, out var query, out var errors))
                return TypedResults.ValidationProblem(errors, title: "The query has invalid parameters.");
            var csv = Csv(await Rows(dataSource, query, ct), query.GroupBy);
            return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv", "flows.csv");
        }).WithName("exportFlowsCsv").WithSummary("The same flows as a CSV file.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    internal static bool TryRead(string? city, string? origin, string? destination, string? groupBy, string? since,
        string? until, out FlowQuery query, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (groupBy is { Length: > 0 } && !Groups.ContainsKey(groupBy))
            errors["groupBy"] = ["'groupBy' must be one of corridor, mode, hsChapter or month."];
        var sinceDate = Date(since, "since", errors);
        var untilDate = Date(until, "until", errors);
        if (sinceDate is { } s && untilDate is { } u && u < s)
            errors["until"] = ["'until' must not be before 'since'."];
        query = new FlowQuery(Blank(city), Blank(origin), Blank(destination), Blank(groupBy), sinceDate, untilDate);
        return errors.Count == 0;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static DateOnly? Date(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors[field] = [$"'{field}' must be a date YYYY-MM-DD."];
        return null;
    }

    private static async Task<List<FlowRow>> Rows(NpgsqlDataSource dataSource, FlowQuery query, CancellationToken ct)
    {
        var group = query.GroupBy is { } g ? Groups[g] : "NULL::text";
        // The group column comes from the fixed table above, never from the caller.
        var sql = $"""
            SELECT origin AS Origin, destination AS Destination, {group} AS GroupValue, count(*) AS Matches,
                   count(s.booked_at) AS Shipped, count(s.delivered_at) AS Delivered,
                   sum(containers)::bigint AS Containers, sum(weight_kg) AS WeightKg
            FROM flows LEFT JOIN flow_shipments s ON s.source_id = flows.source_id
            WHERE (@City::text IS NULL OR origin = @City OR destination = @City)
              AND (@Origin::text IS NULL OR origin = @Origin)
              AND (@Destination::text IS NULL OR destination = @Destination)
              AND (@Since::date IS NULL OR at >= @Since::date)
              AND (@Until::date IS NULL OR at < @Until::date + 1)
            GROUP BY 1, 2, 3
            HAVING count(*) >= @MinimumMatches
            ORDER BY 1, 2, 3
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<FlowRow>(new CommandDefinition(sql, new
        {
            query.City, query.Origin, query.Destination, MinimumMatches,
            Since = query.Since?.ToDateTime(TimeOnly.MinValue), Until = query.Until?.ToDateTime(TimeOnly.MinValue),
        }, cancellationToken: ct));
        return rows.AsList();
    }

    private static Dictionary<string, object?> Json(FlowRow row, string? groupBy)
    {
        var json = new Dictionary<string, object?> { ["origin"] = row.Origin, ["destination"] = row.Destination };
        if (groupBy is not null) json[groupBy] = row.GroupValue;
        json["matches"] = row.Matches;
        json["shipped"] = row.Shipped;
        json["delivered"] = row.Delivered;
        json["containers"] = row.Containers;
        json["weightKg"] = row.WeightKg;
        return json;
    }

    internal static string Csv(IEnumerable<(string Origin, string Destination, string? Group, long Matches, long Shipped, long Delivered,
        long Containers, decimal WeightKg)> rows, string? groupBy)
    {
        var csv = new StringBuilder();
        csv.Append("origin,destination,");
        if (groupBy is not null) csv.Append(groupBy).Append(',');
        csv.Append("matches,shipped,delivered,containers,weightKg\n");
        foreach (var r in rows)
        {
            csv.Append(Cell(r.Origin)).Append(',').Append(Cell(r.Destination)).Append(',');
            if (groupBy is not null) csv.Append(Cell(r.Group ?? "")).Append(',');
            csv.Append(r.Matches.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Shipped.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Delivered.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Containers.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.WeightKg.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return csv.ToString();
    }

    private static string Csv(List<FlowRow> rows, string? groupBy) =>
        Csv(rows.Select(r => (r.Origin, r.Destination, r.GroupValue, r.Matches, r.Shipped, r.Delivered, r.Containers, r.WeightKg)), groupBy);

    /// <summary>
    /// Quotes a cell when it holds a comma, quote or line break; a leading formula sign, tab or carriage return (which
    /// spreadsheets also read as the start of a formula) is defused.
    /// </summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
