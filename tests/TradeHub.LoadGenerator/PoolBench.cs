using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TradeHub.LoadGenerator;

/// <summary>
/// A block train's cut-off on the running system (--pools): a rail operator opens a pool of up to --pool-containers
/// (55) boxes; --pool-members (300) memberships of 25 SME organisations join it (the gateway gives an address 30 dev
/// tokens a minute; Shipments books one shipment per membership all the same), most with loose cargo (sizes from a fixed seed) and the rest with
/// cargo offers of full containers that top the train up to its maximum. At the cut-off the bench polls the pool and
/// the operator's shipments every 50 ms and times, from the cut-off: the pool seen closed (the sweep's interval is
/// part of this), and every member's shipment seen booked in Shipments (GET /api/shipments lists all of them).
/// </summary>
public sealed class PoolBench(Options options, Api api)
{
    private const int Seed = 24;
    private const int SmeOrgs = 25;
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    private readonly string _run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
    private readonly DateOnly _departure = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20);

    public sealed record Result(
        int Run, int Members, int Containers, int SharedContainers, double JoinSeconds, double ClosedSeenMs, double BookedSeenMs,
        double ClosedToBookedMs, int Shipments);

    public async Task<int> Run()
    {
        var results = new List<Result>();
        for (var run = 1; run <= options.PoolRuns; run++)
        {
            var result = await Once(run);
            if (result is null) return 1;
            results.Add(result);
            Console.WriteLine(
                $"run {run}: {result.Members} members, {result.Containers} containers ({result.SharedContainers} shared); joins took {result.JoinSeconds:0.0} s; " +
                $"from the cut-off: pool seen closed {result.ClosedSeenMs:0} ms, every member's shipment seen booked {result.BookedSeenMs:0} ms " +
                $"(closed to booked {result.ClosedToBookedMs:0} ms, {result.Shipments} shipments)");
        }
        var booked = results.Select(r => r.BookedSeenMs).Order().ToArray();
        var closedToBooked = results.Select(r => r.ClosedToBookedMs).Order().ToArray();
        Console.WriteLine($"cut-off to every member's shipment booked: median {booked[booked.Length / 2]:0} ms, max {booked[^1]:0} ms; " +
                          $"closed to booked: median {closedToBooked[closedToBooked.Length / 2]:0} ms, max {closedToBooked[^1]:0} ms (goal: cut-off to booked under 2,000 ms)");
        if (options.JsonFile is { } file)
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { pools = results }, Api.Json));
        return 0;
    }

    private async Task<Result?> Once(int run)
    {
        var random = new Random(Seed + run);
        var members = options.PoolMembers;
        var offers = Math.Max(1, members / 10);
        var operatorToken = await api.Token($"load-pool-rail-{run}-{_run}", "carrier");
        var orgTokens = await Task.WhenAll(Enumerable.Range(0, SmeOrgs).Select(i => api.Token($"load-pool-sme-{run}-{i}-{_run}", "sme")));
        var smeTokens = Enumerable.Range(0, members).Select(i => orgTokens[i % SmeOrgs]).ToArray();

        // Loose cargo of parcels and pallets: 1.2-2.2 t and 3-8 m3 each, so about 23 boxes for 270 members.
        var loose = Enumerable.Range(0, members - offers)
            .Select(_ => (Kg: random.Next(1_200, 2_200), M3: random.Next(30, 80) / 10m)).ToArray();
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(options.PoolCutoffSeconds);
        var opened = await api.Send(HttpMethod.Post, operatorToken, "api/pools", new
        {
            from = "CNTSN", to = "UZTAS", departureDate = _departure, cutoff, minContainers = 41,
            maxContainers = options.PoolContainers, containerType = "40HC",
            pricePerContainerAtMin = new { amount = 3200, currency = "USD" },
            pricePerContainerAtMax = new { amount = 2400, currency = "USD" },
        }, idempotencyKey: true);
        var pool = opened.Body?["id"]?.GetValue<string>();
        if (pool is null) return Fail($"POST /api/pools answered {opened.Status}");

        var joining = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(8))
        {
            var joins = loose.Select(async (c, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    var a = await api.Send(HttpMethod.Post, smeTokens[offers + i], $"api/pools/{pool}/members",
                        new { weightKg = c.Kg, volumeM3 = c.M3, hsCode = "620342", description = "cartons" }, idempotencyKey: true);
                    return a.Status == 201 ? null : $"loose join {i}: {a.Status}";
                }
                finally { gate.Release(); }
            });
            if ((await Task.WhenAll(joins)).FirstOrDefault(e => e is not null) is { } error) return Fail(error);
        }
        var fill = (await api.Send(HttpMethod.Get, operatorToken, $"api/pools/{pool}")).Body?["fill"];
        var shared = fill?["sharedContainers"]?.GetValue<int>() ?? 0;
        var full = options.PoolContainers - shared;
        if (full < offers) return Fail($"{shared} shared boxes leave {full} for {offers} members with full containers");

        // The members with cargo offers top the train up to its maximum: one or two containers each.
        var offerIds = new string[offers];
        for (var i = 0; i < offers; i++)
        {
            var count = full / offers + (i < full % offers ? 1 : 0);
            var posted = await api.Send(HttpMethod.Post, smeTokens[i], "api/cargo-offers", new
            {
                origin = "CNTSN", destination = "UZTAS", readyDate = _departure.AddDays(-5), deliverBy = _departure.AddDays(25),
                containers = new { count, type = "40HC" }, weightKg = count * 15_000, hsCode = "847989",
            }, idempotencyKey: true);
            offerIds[i] = posted.Body?["id"]?.GetValue<string>() ?? "";
            if (posted.Status != 201) return Fail($"POST /api/cargo-offers answered {posted.Status}");
        }
        for (var i = 0; i < offers; i++)
        {
            // 404 until Pools has read the offer's CargoOfferPosted.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var a = await api.Send(HttpMethod.Post, smeTokens[i], $"api/pools/{pool}/members", new { cargoOfferId = offerIds[i] }, idempotencyKey: true);
                if (a.Status == 201) break;
                if (a.Status != 404 || DateTime.UtcNow > deadline) return Fail($"join with cargo offer {i}: {a.Status}");
                await Task.Delay(200);
            }
        }
        joining.Stop();
        var before = (await api.Send(HttpMethod.Get, operatorToken, $"api/pools/{pool}")).Body;
        var containers = before?["fill"]?["containers"]?.GetValue<int>() ?? 0;
        var memberCount = before?["fill"]?["members"]?.GetValue<int>() ?? 0;
        if (DateTimeOffset.UtcNow >= cutoff)
            return Fail($"the joins took {joining.Elapsed.TotalSeconds:0} s, past the cut-off {options.PoolCutoffSeconds} s after opening: raise --pool-cutoff");
        Console.WriteLine($"run {run}: pool {pool} filled ({memberCount} members, {containers} boxes, {shared} shared) in {joining.Elapsed.TotalSeconds:0.0} s; " +
                          $"cut-off in {(cutoff - DateTimeOffset.UtcNow).TotalSeconds:0} s ...");

        await Task.Delay(cutoff - DateTimeOffset.UtcNow);
        double? closedMs = null;
        var shipments = 0;
        while (DateTimeOffset.UtcNow < cutoff.AddSeconds(60))
        {
            if (closedMs is null)
            {
                var p = await api.Send(HttpMethod.Get, operatorToken, $"api/pools/{pool}");
                var status = p.Body?["status"]?.GetValue<string>();
                if (status is "running" or "cancelled") closedMs = Since(cutoff);
                if (status == "cancelled") return Fail($"pool {pool} was cancelled");
            }
            var list = await api.Send(HttpMethod.Get, operatorToken, "api/shipments?limit=500");
            shipments = (list.Body?["items"]?.AsArray() ?? []).Count(x => x?["poolId"]?.GetValue<string>() == pool);
            if (shipments >= memberCount)
            {
                var bookedMs = Since(cutoff);
                closedMs ??= bookedMs;
                return new Result(run, memberCount, containers, shared, joining.Elapsed.TotalSeconds, closedMs.Value, bookedMs,
                    bookedMs - closedMs.Value, shipments);
            }
            await Task.Delay(PollEvery);
        }
        return Fail($"after 60 s the operator sees {shipments} of {memberCount} shipments on pool {pool}");
    }

    private static double Since(DateTimeOffset cutoff) => (DateTimeOffset.UtcNow - cutoff).TotalMilliseconds;

    private static Result? Fail(string why)
    {
        Console.Error.WriteLine($"error: {why}");
        return null;
    }
}
