using TradeHub.Routing.Network;

namespace TradeHub.Routing.Tests.Engine;

/// <summary>The corridor network straight from samples/corridors (the same rows the seed script holds).</summary>
internal static class Corridor
{
    private static readonly Lazy<CorridorNetwork> Network = new(() => CorridorNetwork.Build(
        CorridorCsv.ReadNodes(Path.Combine(TestContext.CurrentContext.TestDirectory, "corridors", "nodes.csv")),
        CorridorCsv.ReadLegs(Path.Combine(TestContext.CurrentContext.TestDirectory, "corridors", "edges.csv"))));

    public static CorridorNetwork Load() => Network.Value;

    public static NetworkSnapshot Snapshot(params Disruption[] disruptions) => new(Network.Value, disruptions, 1);
}
