using System.Diagnostics;
using System.Globalization;
using TradeHub.Pools.Packing;

namespace TradeHub.Benchmarks;

/// <summary>
/// `packing-quick [consignments] [seeds]`: packs loose consignments of mixed size (fixed seeds) into 40HC boxes with
/// the service's default rules and prints containers, first-fit-decreasing, the bounds and the time per plan, beside
/// the same packer solving whenever first-fit-decreasing is above the bound (AcceptableGap 0).
/// </summary>
public static class PackingQuick
{
    /// <summary>A mix of parcels, pallets and heavy pieces: a third each, by weight and volume drawn apart.</summary>
    public static Consignment[] Mixed(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var (kg, m3) = (i % 3) switch
            {
                0 => (random.Next(200, 3_000), random.Next(10, 100) / 10m),
                1 => (random.Next(3_000, 10_000), random.Next(50, 300) / 10m),
                _ => (random.Next(10_000, 18_000), random.Next(50, 200) / 10m),
            };
            return new Consignment(new Guid(i, 0, 0, new byte[8]), kg, m3);
        }).ToArray();
    }

    public static void Run(int count, int seeds, string type)
    {
        // The baseline is the same packer made to run the solver whenever first-fit-decreasing is above the bound.
        var packer = new Packer(new LoadingRules());
        var alwaysSolve = new Packer(new LoadingRules { AcceptableGap = 0 });
        packer.Pack(Mixed(20, 99), type); // loads the native solver once, outside the figures
        Console.WriteLine("seed\tconsignments\tcontainers\tffd\tlowerBound\tprovenBound\tgapToProven\tmethod\tms\talwaysSolve: containers\tms");
        var (within, maxGap, times, baseTimes) = (0, 0.0, new List<double>(), new List<double>());
        foreach (var seed in Enumerable.Range(1, seeds))
        {
            var consignments = Mixed(count, seed);
            var (plan, ms) = Timed(packer, consignments, type);
            var (basePlan, baseMs) = Timed(alwaysSolve, consignments, type);
            var gap = (plan.Containers.Count - plan.ProvenBound) / (double)plan.ProvenBound;
            Console.WriteLine(string.Join('\t', seed, count, plan.Containers.Count, plan.FirstFitDecreasing, plan.LowerBound,
                plan.ProvenBound, gap.ToString("P1", CultureInfo.InvariantCulture), plan.Method, ms.ToString("0", CultureInfo.InvariantCulture),
                basePlan.Containers.Count, baseMs.ToString("0", CultureInfo.InvariantCulture)));
            if (gap <= 0.02) within++;
            maxGap = Math.Max(maxGap, gap);
            times.Add(ms);
            baseTimes.Add(baseMs);
        }
        times.Sort();
        baseTimes.Sort();
        var (median, baseMedian) = (times[times.Count / 2], baseTimes[baseTimes.Count / 2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"within 2 % of the proven bound: {within} of {seeds} (max gap {maxGap:P1}); time median {median:0} ms, max {times[^1]:0} ms (goal: within 2 % in under 1,000 ms); always solving: median {baseMedian:0} ms, max {baseTimes[^1]:0} ms; ratio of medians {median / baseMedian:0.000}"));
    }

    private static (PackingPlan Plan, double Ms) Timed(Packer packer, Consignment[] consignments, string type)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = packer.Pack(consignments, type);
        return (plan, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
