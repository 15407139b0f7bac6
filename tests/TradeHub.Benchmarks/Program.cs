using System.Globalization;
using BenchmarkDotNet.Running;
using TradeHub.Benchmarks.Routing;
using TradeHub.Benchmarks.Webhooks;

namespace TradeHub.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/TradeHub.Benchmarks -- --filter '*CargoMatching*' (BenchmarkDotNet), or
/// `routes-quick [pairs] [repeats]`: route medians/p95 and the measured epsilon without BenchmarkDotNet, or
/// `webhooks-fanout [subscriptions,...] [seconds] [writers]`: events/s into webhook deliveries on the real PostgreSQL, or
/// `tenders LANES CARRIERS PACKAGES [INSTANCES] [SECONDS] [WORKERS]`: the tender award on generated tenders, or
/// `packing-quick [consignments] [seeds] [type]`: pool packing against its bounds (PackingQuick).
/// (Not top-level statements: their implicit Program would clash with the services' public Program classes.)
/// </summary>
public static class Benchmarks
{
    public static void Main(string[] args)
    {
        switch (args)
        {
            case ["routes-quick", ..]:
                QuickRun.Run(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5,
                    args.Length > 3 ? args[3] : "corridor,regional,long-haul");
                break;
            case ["packing-quick", ..]:
                PackingQuick.Run(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5,
                    args.Length > 3 ? args[3] : "40HC");
                break;
            case ["routes-probe", var pairs, var epsilon]:
                Probe.Run(int.Parse(pairs, CultureInfo.InvariantCulture), double.Parse(epsilon, CultureInfo.InvariantCulture));
                break;
            case ["routes-tune", ..]:
                Tune.Run(args);
                break;
            case ["routes-reference", var pairs, var epsilon, ..]:
                Reference.Run(int.Parse(pairs, CultureInfo.InvariantCulture), double.Parse(epsilon, CultureInfo.InvariantCulture),
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000_000);
                break;
            case ["tenders", var lanes, var carriers, var packages, ..]:
                Tenders.TenderBench.Run(int.Parse(lanes, CultureInfo.InvariantCulture), int.Parse(carriers, CultureInfo.InvariantCulture),
                    int.Parse(packages, CultureInfo.InvariantCulture),
                    args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10,
                    args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 60,
                    args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 2);
                break;
            case ["webhooks-fanout", ..]:
                FanOutRun.Run(
                    (args.Length > 1 ? args[1] : "1,10,50,100,500").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray(),
                    TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5),
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4).GetAwaiter().GetResult();
                break;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Benchmarks).Assembly).Run(args);
                break;
        }
    }
}
