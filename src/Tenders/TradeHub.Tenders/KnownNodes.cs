namespace TradeHub.Tenders;

/// <summary>
/// The node ids of the route network, from the seeded copy of the corridor data that ships with the
/// service (Listings never calls Routing to validate a place).
/// </summary>
public sealed class KnownNodes
{
    private readonly HashSet<string> _ids;

    public KnownNodes(IEnumerable<string> ids) => _ids = new HashSet<string>(ids, StringComparer.Ordinal);

    public bool Contains(string id) => _ids.Contains(id);

    public int Count => _ids.Count;

    /// <summary>Reads the ids from the embedded samples/corridors/nodes.csv (first column).</summary>
    public static KnownNodes FromEmbeddedCorridorData()
    {
        using var stream = typeof(KnownNodes).Assembly.GetManifestResourceStream("TradeHub.Tenders.nodes.csv")
            ?? throw new InvalidOperationException("nodes.csv is not embedded");
        using var reader = new StreamReader(stream);
        var ids = new List<string>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var comma = line.IndexOf(',');
            if (comma > 0) ids.Add(line[..comma]);
        }
        return new KnownNodes(ids);
    }
}
