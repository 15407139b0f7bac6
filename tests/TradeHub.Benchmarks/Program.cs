using System.Globalization;
using BenchmarkDotNet.Running;
using TradeHub.Benchmarks.Routing;
using TradeHub.Benchmarks.Webhooks;

namespace TradeHub.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/TradeHub.Benchmarks -- --filter '*CargoMatching*' (BenchmarkDotNet), or
/// `routes-quick [pairs] [repeats]`: route medians/p95 and the measured epsilon without BenchmarkDotNet, or
/// `webhooks-fanout [subscriptions,...] [seconds] [writers]`: events/s into webhook deliveries on the real PostgreSQL.
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
