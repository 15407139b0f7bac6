using System.Globalization;

namespace TradeHub.Routing.Network;

/// <summary>A node row as stored in the routing database (and in samples/corridors/nodes.csv).</summary>
public sealed record NodeRecord(
    string Id, string Name, string Country, string Type, double Lat, double Lon, string GaugeMm, string ScoMember, string Source);

/// <summary>
/// An undirected leg row as stored (and in edges.csv). Ranges stay text ("20-22") so the source figure is kept;
/// <see cref="Midpoint"/> turns them into the number the engine uses.
/// </summary>
public sealed record LegRecord(
    string Id, string From, string To, string Mode, double? DistanceKm, string TransitHours,
    decimal? CostUsdPerFeu, int? CostYear, string BorderDwellHours, string GaugeChange, bool MacroEdge, string Source)
{
    public bool ChangesGauge => GaugeChange.StartsWith("yes", StringComparison.OrdinalIgnoreCase);

    /// <summary>"20-22" -> 21, "4.25" -> 4.25, "" -> 0 (the issue asks for the midpoint of lo-hi ranges).</summary>
    public static double Midpoint(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 0;
        var dash = value.IndexOf('-', 1);
        if (dash < 0) return double.Parse(value, CultureInfo.InvariantCulture);
        var lo = double.Parse(value[..dash], CultureInfo.InvariantCulture);
        var hi = double.Parse(value[(dash + 1)..], CultureInfo.InvariantCulture);
        return (lo + hi) / 2;
    }
}

/// <summary>Transport modes as bit flags, so a query's allowed modes are one mask test per leg.</summary>
[Flags]
public enum LegMode : byte
{
    None = 0,
    Rail = 1,
    Road = 2,
    Sea = 4,
    Ferry = 8,
    All = Rail | Road | Sea | Ferry,
}

public static class LegModes
{
    public static bool TryParse(string? text, out LegMode mode)
    {
        mode = text?.Trim().ToLowerInvariant() switch
        {
            "rail" => LegMode.Rail,
            "road" => LegMode.Road,
            "sea" => LegMode.Sea,
            "ferry" => LegMode.Ferry,
            _ => LegMode.None,
        };
        return mode != LegMode.None;
    }

    public static string Name(LegMode mode) => mode switch
    {
        LegMode.Rail => "rail",
        LegMode.Road => "road",
        LegMode.Sea => "sea",
        LegMode.Ferry => "ferry",
        _ => "unknown",
    };
}
