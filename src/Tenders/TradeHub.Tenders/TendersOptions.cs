namespace TradeHub.Tenders;

/// <summary>Section Tenders.</summary>
public sealed class TendersOptions
{
    /// <summary>
    /// The wall-clock limit of one award's solve. A tender too large for it still gets the best award found, with
    /// its proven gap.
    /// </summary>
    public TimeSpan SolveTimeLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>CP-SAT workers per solve (each a thread: the solver's CPU is this service's, not the others').</summary>
    public int SolverWorkers { get; set; } = 2;

    /// <summary>How often the sweep looks for tenders past closesAt and for solves left by an instance that died.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most lanes one tender may have.</summary>
    public int MaxLanes { get; set; } = 300;
}
