using System.Text.Json.Nodes;

namespace TradeHub.Testing;

/// <summary>Carriers' lanes along a route: runs of consecutive legs by one mode, so capacity on them chains into a match.</summary>
public static class RouteLanes
{
    /// <summary>Splits a route's legs into lanes; a single-mode route is split in two so two carriers can chain.</summary>
    public static List<(string From, string To, string Mode)> Split(JsonArray legs)
    {
        var runs = new List<List<JsonNode>>();
        foreach (var leg in legs)
        {
            if (runs.Count > 0 && runs[^1][^1]["mode"]!.GetValue<string>() == leg!["mode"]!.GetValue<string>()) runs[^1].Add(leg);
            else runs.Add([leg!]);
        }
        if (runs.Count == 1 && runs[0].Count > 1)
        {
            var mid = runs[0].Count / 2;
            runs = [runs[0][..mid], runs[0][mid..]];
        }
        return runs.Select(r => (r[0]["from"]!.GetValue<string>(), r[^1]["to"]!.GetValue<string>(), r[0]["mode"]!.GetValue<string>())).ToList();
    }
}
