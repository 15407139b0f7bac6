using TradeHub.Pools.Packing;

namespace TradeHub.Pools;

/// <summary>Section Pools.</summary>
public sealed class PoolsOptions
{
    /// <summary>How often the cut-off sweep looks for open pools past their cut-off (short in tests and the sample day).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The solver's time for the estimate at each join and leave; the cut-off plan gets the full limit.</summary>
    public TimeSpan JoinSolverTimeLimit { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>At most this many open pools are suggested for one new cargo offer.</summary>
    public int MaxSuggestions { get; set; } = 3;

    public LoadingRules Loading { get; set; } = new();
}
