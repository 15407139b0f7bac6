using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

public enum Objective { Fastest, Cheapest, Greenest, Balanced }

/// <summary>A route question in network terms (ids already checked by the caller).</summary>
public sealed record RouteRequest
{
    public required string From { get; init; }
    public required string To { get; init; }
    public Shipment Shipment { get; init; } = Shipment.OneFeu;
    public DateOnly? ReadyDate { get; init; }
    public Objective Objective { get; init; } = Objective.Balanced;
    public int Max { get; init; } = 5;
    public IReadOnlyCollection<string> Avoid { get; init; } = [];
    public LegMode Modes { get; init; } = LegMode.All;
}

/// <summary>
/// A route answer. Epsilon is proven; LabelEpsilon is set when the heuristic fast path found the routes (its
/// per-node setting, not a guarantee; see ParetoSearch.Heuristic.cs).
/// </summary>
public sealed record RoutePlan(bool Found, string? Reason, IReadOnlyList<RouteOption> Routes, bool Exact, double Epsilon,
    double? LabelEpsilon = null)
{
    /// <summary>Every node and leg the plan's routes use (to find the cargo offers a disruption touches).</summary>
    public IEnumerable<string> NodeIds => Routes.SelectMany(r => r.Legs.SelectMany(l => new[] { l.From, l.To })).Distinct();
}

/// <summary>Turns a request into a Pareto search on the current snapshot and the answer into ranked route options.</summary>
public static class RoutePlanner
{
    /// <summary>Routes whose three totals are all within this fraction of a better-ranked one are near-duplicates.</summary>
    public const double NearDuplicate = 0.02;

    public static RoutePlan Plan(NetworkSnapshot snapshot, RouteRequest request, SearchOptions? options = null)
    {
        var graph = snapshot.Graph;
        if (!graph.TryGetNode(request.From, out var source) || !graph.TryGetNode(request.To, out var target))
            return new RoutePlan(false, "unknown node", [], true, 0);
        var day = request.ReadyDate ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var filter = Filter(snapshot, request, day);
        if (filter.BlockedNodes is { } blocked && (blocked[source] || blocked[target]))
            return new RoutePlan(false, "the origin or destination is closed by a disruption on that date", [], true, 0);

        var result = ParetoSearch.ForThread.Search(graph, source, target, filter, options ?? SearchOptions.Default);
        if (!result.Reachable || result.Paths.Count == 0)
            return new RoutePlan(false, "no route connects these nodes with the modes, avoided nodes and disruptions given", [], true, 0);

        var ranked = Rank(result.Paths, request.Objective, request.Shipment);
        var chosen = new List<ParetoPath>();
        foreach (var p in ranked)
        {
            if (chosen.Count == request.Max) break;
            if (chosen.Any(c => Near(c, p))) continue;
            chosen.Add(p);
        }
        var routes = chosen.Select(p => ToOption(snapshot.Network, p, request.Shipment)).ToList();
        return new RoutePlan(true, null, routes, result.Exact, result.Epsilon, result.LabelEpsilon);
    }

    internal static RouteFilter Filter(NetworkSnapshot snapshot, RouteRequest request, DateOnly day)
    {
        var graph = snapshot.Graph;
        bool[]? nodes = null;
        bool[]? legs = null;
        foreach (var id in request.Avoid)
            if (graph.TryGetNode(id, out var n)) (nodes ??= new bool[graph.NodeCount])[n] = true;
        foreach (var d in snapshot.Disruptions)
        {
            if (!d.AppliesOn(day)) continue;
            if (d.NodeId is not null && graph.TryGetNode(d.NodeId, out var n)) (nodes ??= new bool[graph.NodeCount])[n] = true;
            if (d.LegId is not null && snapshot.Network.TryGetLeg(d.LegId, out var l)) (legs ??= new bool[graph.LegCount])[l] = true;
        }
        return new RouteFilter { Modes = request.Modes, BlockedNodes = nodes, BlockedLegs = legs };
    }

    /// <summary>Best first by the objective; balanced = equal-weight sum of criteria normalised to [0,1] over the set.</summary>
    public static IReadOnlyList<ParetoPath> Rank(IReadOnlyList<ParetoPath> paths, Objective objective, Shipment shipment)
    {
        _ = shipment; // cost and CO2 scale by one factor per shipment, so the order is the same in FEU units
        return objective switch
        {
            Objective.Fastest => paths.OrderBy(p => p.Hours).ThenBy(p => p.Usd).ThenBy(p => p.Co2).ToList(),
            Objective.Cheapest => paths.OrderBy(p => p.Usd).ThenBy(p => p.Hours).ThenBy(p => p.Co2).ToList(),
            Objective.Greenest => paths.OrderBy(p => p.Co2).ThenBy(p => p.Hours).ThenBy(p => p.Usd).ToList(),
            _ => Balanced(paths),
        };
    }

    private static List<ParetoPath> Balanced(IReadOnlyList<ParetoPath> paths)
    {
        static (double Min, double Span) Range(IEnumerable<double> xs)
        {
            var list = xs.ToList();
            var min = list.Min();
            return (min, Math.Max(list.Max() - min, 1e-9));
        }
        var h = Range(paths.Select(p => p.Hours));
        var c = Range(paths.Select(p => p.Usd));
        var e = Range(paths.Select(p => p.Co2));
        return paths.OrderBy(p => (p.Hours - h.Min) / h.Span + (p.Usd - c.Min) / c.Span + (p.Co2 - e.Min) / e.Span)
            .ThenBy(p => p.Hours).ToList();
    }

    private static bool Near(ParetoPath a, ParetoPath b) =>
        Close(a.Hours, b.Hours) && Close(a.Usd, b.Usd) && Close(a.Co2, b.Co2);

    private static bool Close(double x, double y) => Math.Abs(x - y) <= NearDuplicate * Math.Max(Math.Abs(x), Math.Abs(y));

    public static RouteOption ToOption(CorridorNetwork network, ParetoPath path, Shipment shipment)
    {
        var g = network.Graph;
        var legs = new List<RouteLeg>(path.Arcs.Length);
        foreach (var a in path.Arcs)
        {
            ref readonly var arc = ref g.Arcs[a];
            legs.Add(new RouteLeg
            {
                LegId = network.Legs[arc.Leg].Id,
                From = g.NodeIds[g.TailOf(a)],
                To = g.NodeIds[arc.Head],
                Mode = LegModes.Name(arc.Mode),
                DistanceKm = Math.Round(g.DistanceKm[a]),
                Hours = Math.Round(arc.Hours, 1),
                CostUsd = Math.Round((decimal)(arc.Usd * shipment.CostFactor)),
                Co2Kg = Math.Round(arc.Co2 * shipment.Co2Factor, 1),
                BorderCrossing = (arc.Flags & ArcFlags.CustomsBorder) != 0,
                InternalBorder = (arc.Flags & ArcFlags.InternalBorder) != 0,
                GaugeChange = (arc.Flags & ArcFlags.GaugeChange) != 0,
            });
        }
        return new RouteOption
        {
            RouteId = RouteId(legs),
            Legs = legs,
            TotalHours = Math.Round(path.Hours + CostModel.TerminalAllowanceHours, 1),
            TerminalHours = CostModel.TerminalAllowanceHours,
            TotalDistanceKm = legs.Sum(l => l.DistanceKm),
            CostUsd = Math.Round((decimal)(path.Usd * shipment.CostFactor)),
            Co2Kg = Math.Round(path.Co2 * shipment.Co2Factor, 1),
            BorderCrossings = legs.Count(l => l.BorderCrossing),
            InternalBorderCrossings = legs.Count(l => l.InternalBorder),
            GaugeChanges = legs.Count(l => l.GaugeChange),
        };
    }

    /// <summary>Stable id from the leg sequence, so the same route keeps its id across recomputes.</summary>
    private static string RouteId(IEnumerable<RouteLeg> legs)
    {
        var hash = 14695981039346656037UL;
        foreach (var l in legs)
            foreach (var ch in l.LegId + ">" + l.To + "|")
            {
                hash ^= ch;
                hash *= 1099511628211UL;
            }
        return "r-" + hash.ToString("x16");
    }
}
