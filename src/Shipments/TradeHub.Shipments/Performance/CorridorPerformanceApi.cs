using System.Globalization;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Shipments.Common;

namespace TradeHub.Shipments.Performance;

/// <summary>
/// Trade offices' view of how goods actually move: transit days and border dwell from carriers' actual events, and the
/// on-time share of delivered shipments. A group of fewer than <see cref="MinimumGroup"/> shipments is withheld, so no
/// single deal can be read off it.
/// </summary>
public static class CorridorPerformanceApi
{
    public const int MinimumGroup = 3;
    private static readonly string[] Groupings = ["corridor", "crossing", "month"];

    private const string ShipmentsSql = $"""
        SELECT {ShipmentRow.Columns} FROM shipments
        WHERE status <> 'cancelled' AND (@Origin::text IS NULL OR origin = @Origin)
          AND (@Destination::text IS NULL OR destination = @Destination)
          AND (@Since::date IS NULL OR booked_at >= @Since::date) AND (@Until::date IS NULL OR booked_at < @Until::date + 1)
        """;

    private const string ActsSql = """
        SELECT shipment_id AS ShipmentId, location AS Location, event_time AS EventTime FROM tracking_events
        WHERE shipment_id = ANY(@Ids) AND classifier = 'ACT' AND NOT retracted AND retracted_event_id IS NULL
        """;

    private sealed record Act(Guid ShipmentId, string Location, DateTime EventTime);

    private sealed record Sample(string Key, bool Delivered, bool OnTime, double? TransitDays, double? DwellHours);

    public static IEndpointRouteBuilder MapCorridorPerformanceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/corridors/performance", Get).RequireAuthorization(Policies.TradeOffices).WithTags("Corridor performance")
            .WithName("getCorridorPerformance")
            .WithSummary("Transit days and border dwell (p50/p90) and the on-time share per corridor, crossing or month, " +
                         "from carriers' actual events; groups of fewer than 3 shipments are withheld. Trade offices and operators.")
            .Produces<List<Dictionary<string, object?>>>();
        return app;
    }

    private static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db, string? origin, string? destination,
        DateOnly? since, DateOnly? until, string? groupBy)
    {
        var grouping = groupBy ?? "corridor";
        if (!Groupings.Contains(grouping))
            return Answers.Invalid("groupBy", "'groupBy' must be one of corridor, crossing, month.");
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<ShipmentRow>(ShipmentsSql,
            new { Origin = origin, Destination = destination, Since = since, Until = until })).AsList();
        var acts = (await connection.QueryAsync<Act>(ActsSql, new { Ids = rows.Select(r => r.Id).ToArray() }))
            .ToLookup(a => a.ShipmentId);

        var samples = rows.SelectMany(r => Samples(r, grouping, acts[r.Id].ToList()));
        var result = samples.GroupBy(s => s.Key)
            .Where(g => g.Count() >= MinimumGroup)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var delivered = g.Where(s => s.Delivered).ToList();
                var transit = delivered.Select(s => s.TransitDays).OfType<double>().ToList();
                var dwell = g.Select(s => s.DwellHours).OfType<double>().ToList();
                return new Dictionary<string, object?>
                {
                    [grouping] = g.Key,
                    ["shipments"] = g.Count(),
                    ["delivered"] = delivered.Count,
                    ["onTimeShare"] = delivered.Count == 0 ? null : Math.Round(delivered.Count(s => s.OnTime) / (double)delivered.Count, 3),
                    ["transitDaysP50"] = Percentile(transit, 0.5),
                    ["transitDaysP90"] = Percentile(transit, 0.9),
                    ["borderDwellHoursP50"] = Percentile(dwell, 0.5),
                    ["borderDwellHoursP90"] = Percentile(dwell, 0.9),
                };
            })
            .ToList();
        return TypedResults.Ok(result);
    }

    private static IEnumerable<Sample> Samples(ShipmentRow row, string grouping, List<Act> acts)
    {
        var legs = Legs.FromJson(row.LegsJson);
        var delivered = row.Status == ShipmentStatus.Delivered && row.ActualArrival is not null;
        var onTime = delivered && ShipmentRow.Utc(row.ActualArrival!.Value) <= Estimation.Deadline(row.DeliverBy);
        var departed = legs.Select(l => l.ActualDeparture).FirstOrDefault(t => t is not null);
        double? transit = delivered && departed is { } d
            ? Math.Round((ShipmentRow.Utc(row.ActualArrival!.Value) - d).TotalDays, 2) : null;
        var crossings = legs.SelectMany(l => l.Crossings).Distinct().ToList();
        double? Dwell(string crossing)
        {
            var nodes = crossing.Split('-');
            var at = acts.Where(a => nodes.Contains(a.Location)).Select(a => a.EventTime).ToList();
            return at.Count < 2 ? null : Math.Round((at.Max() - at.Min()).TotalHours, 1);
        }
        switch (grouping)
        {
            case "crossing":
                foreach (var crossing in crossings)
                    yield return new Sample(crossing, delivered, onTime, transit, Dwell(crossing));
                break;
            case "month":
                yield return new Sample(row.BookedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture), delivered, onTime,
                    transit, crossings.Select(Dwell).OfType<double>().DefaultIfEmpty().Sum() is var s && s > 0 ? s : null);
                break;
            default:
                yield return new Sample($"{row.Origin}-{row.Destination}", delivered, onTime, transit,
                    crossings.Select(Dwell).OfType<double>().DefaultIfEmpty().Sum() is var t && t > 0 ? t : null);
                break;
        }
    }

    /// <summary>Nearest-rank percentile; null for no values.</summary>
    internal static double? Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return null;
        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
