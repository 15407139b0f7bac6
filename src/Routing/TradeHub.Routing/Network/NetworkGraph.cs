namespace TradeHub.Routing.Network;

/// <summary>One directed leg as the search sees it: 40 bytes, stored contiguously per tail node (CSR).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051", Justification = "Fields, not properties: the search reads and the builder sets them in place in the arc array.")]
public struct Arc
{
    public int Head;
    /// <summary>Index of the undirected leg (both directions share it: a disruption closes both).</summary>
    public int Leg;
    public LegMode Mode;
    public ArcFlags Flags;
    public double Hours;
    public double Usd;
    public double Co2;
}

[Flags]
public enum ArcFlags : byte
{
    None = 0,
    CustomsBorder = 1,
    InternalBorder = 2,
    GaugeChange = 4,
}

/// <summary>
/// The route network as flat arrays (compressed sparse rows, forward and reverse), immutable once built, so a
/// query reads it without locks and a reload swaps the whole object. Costs are per FEU (one 40' dry box).
/// </summary>
public sealed class NetworkGraph
{
    public int NodeCount { get; }
    public int LegCount { get; }
    public string[] NodeIds { get; }
    /// <summary>Forward CSR: arcs of node u are Arcs[OutStart[u]..OutStart[u+1]).</summary>
    public int[] OutStart { get; }
    public Arc[] Arcs { get; }
    /// <summary>Reverse CSR: the arcs entering node v are Arcs[InArc[InStart[v]..InStart[v+1])] (tail in InTail).</summary>
    public int[] InStart { get; }
    public int[] InArc { get; }
    public int[] InTail { get; }
    public double[] DistanceKm { get; }

    private readonly Dictionary<string, int> index;

    public NetworkGraph(string[] nodeIds, IReadOnlyList<(int From, int To, Arc Forward, double DistanceKm)> undirected)
    {
        NodeIds = nodeIds;
        NodeCount = nodeIds.Length;
        LegCount = undirected.Count;
        index = new Dictionary<string, int>(NodeCount, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < NodeCount; i++) index[nodeIds[i]] = i;

        var arcCount = undirected.Count * 2;
        OutStart = new int[NodeCount + 1];
        foreach (var (from, to, _, _) in undirected)
        {
            OutStart[from + 1]++;
            OutStart[to + 1]++;
        }
        for (var i = 0; i < NodeCount; i++) OutStart[i + 1] += OutStart[i];
        Arcs = new Arc[arcCount];
        DistanceKm = new double[arcCount];
        var tails = new int[arcCount];
        var fill = (int[])OutStart.Clone();
        foreach (var (from, to, forward, km) in undirected)
        {
            var a = fill[from]++;
            Arcs[a] = forward;
            Arcs[a].Head = to;
            DistanceKm[a] = km;
            tails[a] = from;
            var b = fill[to]++;
            Arcs[b] = forward;
            Arcs[b].Head = from;
            DistanceKm[b] = km;
            tails[b] = to;
        }

        InStart = new int[NodeCount + 1];
        for (var a = 0; a < arcCount; a++) InStart[Arcs[a].Head + 1]++;
        for (var i = 0; i < NodeCount; i++) InStart[i + 1] += InStart[i];
        InArc = new int[arcCount];
        InTail = new int[arcCount];
        var inFill = (int[])InStart.Clone();
        for (var a = 0; a < arcCount; a++)
        {
            var slot = inFill[Arcs[a].Head]++;
            InArc[slot] = a;
            InTail[slot] = tails[a];
        }
    }

    public bool TryGetNode(string? id, out int node)
    {
        node = -1;
        return id is not null && index.TryGetValue(id.Trim(), out node);
    }

    public int TailOf(int arc)
    {
        // Binary search in OutStart: arcs are grouped by tail.
        int lo = 0, hi = NodeCount - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (OutStart[mid] <= arc) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
