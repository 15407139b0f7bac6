using System.Globalization;
using System.Text;

namespace TradeHub.Routing.Network;

/// <summary>
/// The corridor network of one moment: the stored rows (sources kept), the compact graph built from the leg rows
/// (MACRO-EDGE rows stay out: they are whole-corridor benchmarks used for calibration only), and per graph leg
/// the row it came from.
/// </summary>
public sealed class CorridorNetwork
{
    /// <summary>EAEU members: one customs union, so their common borders are internal (facts.md section 4).</summary>
    public static readonly IReadOnlySet<string> Eaeu = new HashSet<string> { "RU", "BY", "KZ", "KG", "AM" };

    /// <summary>
    /// EU members among the nodes: the EU is a customs union too, so Poland-Germany is internal like Russia-Belarus
    /// (goods enter the EU once, at Malaszewicze, Constanta or Rotterdam).
    /// </summary>
    public static readonly IReadOnlySet<string> Eu = new HashSet<string> { "PL", "DE", "NL", "RO" };

    public static bool SameCustomsUnion(string a, string b) =>
        (Eaeu.Contains(a) && Eaeu.Contains(b)) || (Eu.Contains(a) && Eu.Contains(b));

    public IReadOnlyList<NodeRecord> Nodes { get; }
    /// <summary>All leg rows including the MACRO-EDGE benchmarks.</summary>
    public IReadOnlyList<LegRecord> AllLegs { get; }
    /// <summary>The routing legs; index = the graph's undirected leg index.</summary>
    public IReadOnlyList<LegRecord> Legs { get; }
    public NetworkGraph Graph { get; }
    private readonly Dictionary<string, int> legIndex;

    private CorridorNetwork(IReadOnlyList<NodeRecord> nodes, IReadOnlyList<LegRecord> allLegs)
    {
        Nodes = nodes;
        AllLegs = allLegs;
        Legs = allLegs.Where(l => !l.MacroEdge).ToList();
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.OrdinalIgnoreCase);
        var ids = nodes.Select(n => n.Id).ToArray();
        var position = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.OrdinalIgnoreCase);
        var undirected = new List<(int, int, Arc, double)>(Legs.Count);
        legIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Legs.Count; i++)
        {
            var leg = Legs[i];
            legIndex[leg.Id] = i;
            var (arc, km) = Price(leg, byId[leg.From], byId[leg.To]);
            arc.Leg = i;
            undirected.Add((position[leg.From], position[leg.To], arc, km));
        }
        Graph = new NetworkGraph(ids, undirected);
    }

    public static CorridorNetwork Build(IReadOnlyList<NodeRecord> nodes, IReadOnlyList<LegRecord> legs) => new(nodes, legs);

    public bool TryGetLeg(string? id, out int leg)
    {
        leg = -1;
        return id is not null && legIndex.TryGetValue(id.Trim(), out leg);
    }

    /// <summary>Hours, USD and CO2 of one leg for one FEU; see <see cref="CostModel"/> for every figure.</summary>
    public static (Arc Arc, double DistanceKm) Price(LegRecord leg, NodeRecord from, NodeRecord to)
    {
        // A leg of an unknown mode (LegMode.None) is priced as distance only: sea and ferry speeds do not apply.
        _ = LegModes.TryParse(leg.Mode, out var mode);
        var transit = LegRecord.Midpoint(leg.TransitHours);
        var km = leg.DistanceKm ?? (mode is LegMode.Sea or LegMode.Ferry ? transit * CostModel.SeaSpeedKmh : 0);
        var flags = ArcFlags.None;
        if (!string.Equals(from.Country, to.Country, StringComparison.OrdinalIgnoreCase))
            flags |= SameCustomsUnion(from.Country, to.Country) ? ArcFlags.InternalBorder : ArcFlags.CustomsBorder;
        if (leg.ChangesGauge) flags |= ArcFlags.GaugeChange;

        var dwell = LegRecord.Midpoint(leg.BorderDwellHours);
        var usd = leg.CostUsdPerFeu is { } given ? (double)given : km * CostModel.UsdPerFeuKm(mode);
        if ((flags & ArcFlags.GaugeChange) != 0)
        {
            dwell = Math.Max(dwell, CostModel.GaugeChangeMinimumDwellHours);
            usd += CostModel.GaugeChangeUsdPerFeu;
        }
        var hours = transit + dwell;
        if ((flags & ArcFlags.CustomsBorder) != 0)
        {
            hours += CostModel.CustomsBorderAllowanceHours;
            usd += CostModel.CustomsBorderUsdPerFeu;
        }
        return (new Arc { Mode = mode, Flags = flags, Hours = hours, Usd = usd, Co2 = km * CostModel.Co2KgPerFeuKm(mode) }, km);
    }
}

/// <summary>Reads samples/corridors/nodes.csv and edges.csv (RFC 4180 quoting) into rows; also used to write the seed script.</summary>
public static class CorridorCsv
{
    public static IReadOnlyList<NodeRecord> ReadNodes(string path) =>
        Rows(File.ReadAllText(path)).Skip(1).Select(r => new NodeRecord(
            r[0], r[1], r[2], r[3], double.Parse(r[4], CultureInfo.InvariantCulture),
            double.Parse(r[5], CultureInfo.InvariantCulture), r[6], r[7], r[8])).ToList();

    /// <summary>Leg ids are from-to-mode, with -2, -3 for parallel legs of the same mode (Shanghai-Rotterdam via Suez and via the Cape).</summary>
    public static IReadOnlyList<LegRecord> ReadLegs(string path)
    {
        var seen = new Dictionary<string, int>();
        var legs = new List<LegRecord>();
        foreach (var r in Rows(File.ReadAllText(path)).Skip(1))
        {
            var id = $"{r[0]}-{r[1]}-{r[2]}";
            seen[id] = seen.GetValueOrDefault(id) + 1;
            if (seen[id] > 1) id += "-" + seen[id];
            legs.Add(new LegRecord(id, r[0], r[1], r[2],
                r[3].Length == 0 ? null : double.Parse(r[3], CultureInfo.InvariantCulture), r[4],
                r[5].Length == 0 ? null : decimal.Parse(r[5], CultureInfo.InvariantCulture),
                r[6].Length == 0 ? null : int.Parse(r[6], CultureInfo.InvariantCulture), r[7], r[8],
                r[9].Contains("MACRO-EDGE", StringComparison.Ordinal), r[9]));
        }
        return legs;
    }

    public static IEnumerable<string[]> Rows(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0) yield return fields.ToArray();
                fields.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }
}
