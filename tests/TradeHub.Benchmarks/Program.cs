using BenchmarkDotNet.Running;
using TradeHub.Benchmarks.Routing;

// `routes-quick [pairs] [repeats]`: medians/p95 and the measured epsilon without BenchmarkDotNet.
// Anything else goes to BenchmarkDotNet, e.g. `--filter *Routing*` or `--filter *Corridor*`.
if (args.Length > 0 && args[0] == "routes-quick")
{
    var pairs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
    var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
    QuickRun.Run(pairs, repeats);
    return;
}
if (args.Length > 0 && args[0] == "routes-probe")
{
    Probe.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
