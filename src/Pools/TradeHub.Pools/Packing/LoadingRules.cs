namespace TradeHub.Pools.Packing;

/// <summary>What one container of a type may carry on a block train.</summary>
public sealed class ContainerLimits
{
    /// <summary>Cargo weight (gross weight on the wagon less the box's tare).</summary>
    public decimal MaxCargoKg { get; set; }

    /// <summary>Internal volume.</summary>
    public decimal VolumeM3 { get; set; }

    /// <summary>20 ft boxes travel two to a wagon, so shared 20 ft boxes are planned in pairs.</summary>
    public bool Paired { get; set; }
}

/// <summary>
/// Section Pools:Loading. The defaults are one operator's published rules for China-Europe scheduled trains and
/// common internal volumes, not a regulation (docs/loading-rules.md gives each value's source); an operator with
/// other rules configures its own.
/// </summary>
public sealed class LoadingRules
{
    /// <summary>All containers' cargo on one train.</summary>
    public decimal MaxTrainCargoKg { get; set; } = 1_300_000m;

    /// <summary>The two 20 ft boxes on one wagon must differ in weight by less than this.</summary>
    public decimal PairWeightDifferenceKg { get; set; } = 5_000m;

    /// <summary>Per container type (20GP 40GP 40HC 20RF 40RF).</summary>
    public Dictionary<string, ContainerLimits> Containers { get; set; } = new(StringComparer.Ordinal)
    {
        ["20GP"] = new() { MaxCargoKg = 21_700m, VolumeM3 = 33.2m, Paired = true },
        ["40GP"] = new() { MaxCargoKg = 21_000m, VolumeM3 = 67.7m },
        ["40HC"] = new() { MaxCargoKg = 21_000m, VolumeM3 = 76.3m },
        ["20RF"] = new() { MaxCargoKg = 20_900m, VolumeM3 = 27.0m, Paired = true },
        ["40RF"] = new() { MaxCargoKg = 21_000m, VolumeM3 = 57.8m },
    };

    /// <summary>
    /// A first-fit-decreasing plan within this fraction of the lower bound is kept without the solver: on
    /// large pools the solver seldom finds the box or two it might save, and building its model takes seconds. Below
    /// fifty boxes 2 % is less than one box, so the solver still runs whenever a box could be saved; 0 always runs it.
    /// </summary>
    public double AcceptableGap { get; set; } = 0.02;

    /// <summary>How long the solver may improve on first-fit-decreasing for one plan.</summary>
    public TimeSpan SolverTimeLimit { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Solver threads (the services run on small machines).</summary>
    public int SolverWorkers { get; set; } = 2;

    public ContainerLimits For(string containerType) =>
        Containers.TryGetValue(containerType, out var limits)
            ? limits
            : throw new ArgumentException($"No loading rules for container type {containerType}.", nameof(containerType));
}
