using TradeHub.Shipments.Common;

namespace TradeHub.Shipments.Disruptions;

/// <summary>Where and when a closure meets a shipment's route ahead of it, and the wait it imposes.</summary>
public sealed record Blockage(int LegIndex, string Node, DateTimeOffset PassesAt, double WaitHours);

/// <summary>
/// Finds the first place ahead of a shipment that a closure blocks at the time the shipment would pass it. A node is
/// passed at a time interpolated along its leg's estimated departure and arrival by the node's place among the leg's
/// nodes (the legs keep no hours per route leg); a closed leg is entered at its first node. Passing from the first
/// closed day to the end of the last one blocks: the wait runs to the end of the closure.
/// </summary>
public static class Blockages
{
    public static Blockage? Find(IReadOnlyList<Leg> legs, string? position, IReadOnlyCollection<string> closedNodes,
        IReadOnlyList<(string From, string To)> closedLegs, DateOnly closedFrom, DateOnly closedTo)
    {
        var start = new DateTimeOffset(closedFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(closedTo.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var current = legs.ToList().FindIndex(l => l.ActualArrival is null);
        if (current < 0) return null;
        for (var i = current; i < legs.Count; i++)
        {
            var leg = legs[i];
            // Departed: the nodes behind its position are passed; the position itself still is to pass unless it is
            // the From it left.
            var departed = i == current && leg.ActualDeparture is not null;
            var at = departed && position is not null ? Math.Max(IndexOf(leg.Nodes, position), 0) : 0;
            for (var k = at; k < leg.Nodes.Count; k++)
            {
                var node = leg.Nodes[k];
                var nodeAhead = !departed || k > 0;
                var blocked = (nodeAhead && closedNodes.Contains(node))
                              || (k + 1 < leg.Nodes.Count && closedLegs.Contains((node, leg.Nodes[k + 1])));
                if (!blocked) continue;
                var passes = Passing(leg, k);
                if (passes < start || passes >= end) continue;
                return new Blockage(i, node, passes, (end - passes).TotalHours);
            }
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<string> nodes, string node)
    {
        for (var i = 0; i < nodes.Count; i++)
            if (nodes[i] == node) return i;
        return -1;
    }

    private static DateTimeOffset Passing(Leg leg, int k)
    {
        if (leg.Nodes.Count < 2) return leg.EstimatedDeparture;
        var span = leg.EstimatedArrival - leg.EstimatedDeparture;
        return leg.EstimatedDeparture + span * (k / (double)(leg.Nodes.Count - 1));
    }
}
