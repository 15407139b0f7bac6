using FluentValidation;

namespace TradeHub.Hosting.Corridors;

/// <summary>
/// The node ids of the route network, from the copy of samples/corridors/nodes.csv embedded in this library: services
/// validate a place without calling Routing.
/// </summary>
public sealed class KnownNodes
{
    private readonly HashSet<string> _ids;

    public KnownNodes(IEnumerable<string> ids) => _ids = new HashSet<string>(ids, StringComparer.Ordinal);

    public bool Contains(string id) => _ids.Contains(id);

    public int Count => _ids.Count;

    /// <summary>Reads the ids from the embedded nodes.csv (first column).</summary>
    public static KnownNodes FromEmbeddedCorridorData()
    {
        using var reader = CorridorData.Open("nodes.csv");
        var ids = new List<string>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0) ids.Add(line[..comma]);
        }
        return new KnownNodes(ids);
    }
}

public static class KnownNodeRules
{
    /// <summary>A UN/LOCODE-style node id that the route network knows.</summary>
    public static IRuleBuilderOptions<T, string?> KnownNode<T>(this IRuleBuilder<T, string?> rule, KnownNodes nodes) =>
        rule.NotEmpty().MaximumLength(5)
            .Must(id => id is null || nodes.Contains(id))
            .WithMessage("'{PropertyName}' is not a node of the route network (use a UN/LOCODE such as CNTSN).");
}

internal static class CorridorData
{
    public static StreamReader Open(string file) =>
        new(typeof(CorridorData).Assembly.GetManifestResourceStream($"TradeHub.Hosting.Corridors.{file}")
            ?? throw new InvalidOperationException($"{file} is not embedded"));
}
