using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.Network;

public sealed record NodeView(string Id, string Name, string Country, string Type, double Lat, double Lon, int? GaugeMm,
    IReadOnlyList<int> Gauges, bool ScoMember, string Source);

public sealed record LegView(string Id, string From, string To, string Mode, double DistanceKm, double Hours, decimal CostUsd,
    double Co2Kg, bool BorderCrossing, bool InternalBorder, bool GaugeChange, bool ClosedToday, string Source);

public static class NetworkApi
{
    public static IEndpointRouteBuilder MapNetworkApi(this IEndpointRouteBuilder app)
    {
        // The corridor network is public reference data: the dashboard draws it before anyone signs in.
        var group = app.MapGroup("/api/network").WithTags("Network").AllowAnonymous();
        group.MapGet("/nodes", Nodes).WithName("listNetworkNodes")
            .WithSummary("Lists the corridor network's nodes: cities, seaports, dry ports and border crossings.");
        group.MapGet("/legs", Legs).WithName("listNetworkLegs")
            .WithSummary("Lists the network's legs in both directions per 40-foot container, filtered by from, to and mode.");
        return app;
    }

    private static async Task<Ok<List<NodeView>>> Nodes(NetworkState state, CancellationToken ct)
    {
        var snapshot = await state.Get(ct);
        return TypedResults.Ok(snapshot.Network.Nodes.Select(n =>
        {
            // "1435|1520" marks a break-of-gauge station: gaugeMm is the first, gauges has both; empty for road passes.
            var gauges = n.GaugeMm.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(g => int.Parse(g, CultureInfo.InvariantCulture)).ToList();
            return new NodeView(n.Id, n.Name, n.Country, n.Type, n.Lat, n.Lon, gauges.Count > 0 ? gauges[0] : null, gauges,
                n.ScoMember.StartsWith("yes", StringComparison.OrdinalIgnoreCase), n.Source);
        }).ToList());
    }

    /// <summary>Directed legs (each stored leg in both directions) per FEU, filtered by from, to and mode.</summary>
    private static async Task<Results<Ok<List<LegView>>, ValidationProblem>> Legs(
        string? from, string? to, string? mode, NetworkState state, CancellationToken ct)
    {
        var snapshot = await state.Get(ct);
        var g = snapshot.Graph;
        var errors = new Dictionary<string, string[]>();
        var fromNode = -1;
        var toNode = -1;
        var legMode = LegMode.All;
        if (!string.IsNullOrWhiteSpace(from) && !g.TryGetNode(from, out fromNode)) errors["from"] = [$"'{from}' is not a network node."];
        if (!string.IsNullOrWhiteSpace(to) && !g.TryGetNode(to, out toNode)) errors["to"] = [$"'{to}' is not a network node."];
        if (!string.IsNullOrWhiteSpace(mode) && !LegModes.TryParse(mode, out legMode)) errors["mode"] = ["'mode' must be rail, road, sea or ferry."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var closed = RoutePlanner.Filter(snapshot, new RouteRequest { From = "", To = "" }, DateOnly.FromDateTime(DateTime.UtcNow));
        var result = new List<LegView>();
        for (var u = 0; u < g.NodeCount; u++)
        {
            if (fromNode >= 0 && u != fromNode) continue;
            for (var a = g.OutStart[u]; a < g.OutStart[u + 1]; a++)
            {
                ref readonly var arc = ref g.Arcs[a];
                if (toNode >= 0 && arc.Head != toNode) continue;
                if ((arc.Mode & legMode) == 0) continue;
                var leg = snapshot.Network.Legs[arc.Leg];
                result.Add(new LegView(leg.Id, g.NodeIds[u], g.NodeIds[arc.Head], LegModes.Name(arc.Mode), Math.Round(g.DistanceKm[a]),
                    Math.Round(arc.Hours, 2), Math.Round((decimal)arc.Usd), Math.Round(arc.Co2, 1),
                    (arc.Flags & ArcFlags.CustomsBorder) != 0, (arc.Flags & ArcFlags.InternalBorder) != 0,
                    (arc.Flags & ArcFlags.GaugeChange) != 0,
                    !closed.Allows(arc) || !closed.AllowsNode(u), leg.Source));
            }
        }
        return TypedResults.Ok(result);
    }
}
