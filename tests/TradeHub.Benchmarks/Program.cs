using BenchmarkDotNet.Running;

namespace TradeHub.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/TradeHub.Benchmarks -- --filter '*CargoMatching*'
/// (not top-level statements: their implicit Program would clash with the services' public Program classes).
/// </summary>
public static class Benchmarks
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Benchmarks).Assembly).Run(args);
}
