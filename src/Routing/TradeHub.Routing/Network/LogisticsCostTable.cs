using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.Network;

/// <summary>
/// The full city-to-city table of cheapest and fastest logistics for one 40' dry container between every
/// city, seaport and dry port (Matching prices trade offers with it). Two lean Dijkstras per origin pair on the
/// small corridor network; disruptions that apply today are honoured.
/// </summary>
public static class LogisticsCostTable
{
    private static readonly HashSet<string> Places = ["city", "seaport", "dryport"];

    public static LogisticsCostTableComputed Compute(NetworkSnapshot snapshot, DateOnly day)
    {
        var network = snapshot.Network;
        var graph = network.Graph;
        var filter = RoutePlanner.Filter(snapshot, new RouteRequest { From = "", To = "" }, day);
        var places = network.Nodes.Where(n => Places.Contains(n.Type)).Select(n => n.Id).ToList();
        var dijkstra = new ShortestPath();
        var pairs = new List<CityPairLogistics>();
        foreach (var from in places)
        {
            graph.TryGetNode(from, out var s);
            if (!filter.AllowsNode(s)) continue;
            foreach (var to in places)
            {
                if (from == to) continue;
                graph.TryGetNode(to, out var t);
                if (!filter.AllowsNode(t)) continue;
                var cheapest = dijkstra.Path(graph, s, t, Criterion.Cost, filter, out var usd);
                if (cheapest is null) continue;
                var fastest = dijkstra.Path(graph, s, t, Criterion.Hours, filter, out var hours)!;
                pairs.Add(new CityPairLogistics
                {
                    From = from,
                    To = to,
                    CheapestCostUsd = Math.Round((decimal)usd),
                    CheapestHours = Math.Round(cheapest.Sum(a => graph.Arcs[a].Hours) + CostModel.TerminalAllowanceHours, 1),
                    CheapestRouteSummary = string.Join(" > ", cheapest.Select(a => graph.NodeIds[graph.Arcs[a].Head]).Prepend(from)),
                    FastestHours = Math.Round(hours + CostModel.TerminalAllowanceHours, 1),
                    FastestCostUsd = Math.Round((decimal)fastest.Sum(a => graph.Arcs[a].Usd)),
                });
            }
        }
        return new LogisticsCostTableComputed { Version = snapshot.Version, Pairs = pairs, ComputedAt = DateTimeOffset.UtcNow };
    }

    private const string MarkPublishedSql = """
        UPDATE network_state SET cost_table_version = @Version WHERE id = 1 AND cost_table_version < @Version
        """;

    /// <summary>Enqueues the table for the snapshot's version unless it was already published (start-up after a restart).</summary>
    public static async Task<bool> PublishIfStale(OutboxTransaction tx, NetworkSnapshot snapshot)
    {
        if (await tx.Connection.ExecuteAsync(MarkPublishedSql, new { snapshot.Version }, tx.Transaction) == 0) return false;
        await tx.Enqueue(Compute(snapshot, DateOnly.FromDateTime(DateTime.UtcNow)));
        return true;
    }
}
