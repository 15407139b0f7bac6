using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace TradeHub.LoadGenerator;

/// <summary>An origin-destination pair whose first route is covered by capacity posted at warm-up.</summary>
public sealed record Pair(string Origin, string Destination);

/// <summary>A lane posted at warm-up (consecutive legs of one mode of a pair's first route).</summary>
public sealed record Lane(string From, string To, string Mode, double Hours);

/// <summary>Post-to-match latencies of the cargo offers one phase posted.</summary>
public sealed class MatchStats
{
    public ConcurrentBag<double> FromSent { get; } = [];
    /// <summary>When each matched offer was sent (Stopwatch ticks) and its post-to-match: the latency over the phase.</summary>
    public ConcurrentBag<(long Sent, double Ms)> Timeline { get; } = [];
    public ConcurrentBag<double> From201 { get; } = [];
    public int Posted;
    /// <summary>Post to routes.changed: Listings' outbox, Routing, Routing's outbox, gateway (no matcher in the path).</summary>
    public ConcurrentBag<double> RoutesFromSent { get; } = [];
    public long FirstSent = long.MaxValue;
    public long LastMatched;
    public int Matched => FromSent.Count;
}

/// <summary>
/// The organisations, the warm-up that makes cargo on the chosen pairs matchable, and the two phases: flat-out
/// cargo ingest, then a paced mix (cargo, capacity, trade offers, bids, awards, accepts, reads, route queries).
/// </summary>
public sealed class Workload(Options options, Api api)
{
    // Real node ids of samples/corridors/nodes.csv: Tianjin, Xi'an and Chongqing to Central Asia and Minsk.
    private static readonly Pair[] Candidates =
    [
        new("CNTSN", "UZTAS"), new("CNTSN", "BYMSQ"), new("CNTSN", "KZALA"), new("CNXIY", "KZALA"), new("CNCKG", "UZTAS"),
    ];
    private static readonly (string From, string To)[] RouteQueries =
    [
        ("CNTSN", "UZTAS"), ("CNTSN", "BYMSQ"), ("CNXIY", "KZALA"), ("CNCKG", "DEDUI"), ("CNLYG", "KZALA"),
        ("CNURC", "UZSKD"), ("KZALA", "RUMOW"), ("CNSHA", "IRTHR"), ("UZTAS", "GEPOT"), ("CNBJS", "MNULN"),
    ];
    private static readonly string[] Objectives = ["fastest", "cheapest", "greenest", "balanced"];
    private static readonly string[] HsCodes = ["520100", "847989", "080211", "940360", "200819", "610910", "870323"];
    private static readonly string[] TradeCities = ["UZTAS", "BYMSQ", "KZALA", "CNTSN", "KGFRU", "UZSKD"];

    private readonly string _run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
    private readonly DateOnly _today = DateOnly.FromDateTime(DateTime.UtcNow);
    private string[] _sme = [];
    private string[] _carrier = [];
    private readonly List<Pair> _pairs = [];
    private readonly List<Lane> _lanes = [];

    // Cargo awaiting its match.proposed: id -> (sent timestamp, 201 timestamp, phase).
    private readonly ConcurrentDictionary<Guid, (long Sent, long Created, MatchStats Phase)> _awaiting = new();
    // Events that arrived before the 201 was read (rare): id -> arrival.
    private readonly ConcurrentDictionary<Guid, long> _early = new();
    private readonly ConcurrentDictionary<Guid, (long Sent, MatchStats Phase)> _awaitingRoutes = new();
    private readonly ConcurrentQueue<(Guid Cargo, int Sme)> _matchedCargo = new();
    private readonly ConcurrentQueue<(Guid Match, int Sme)> _proposed = new();
    private readonly ConcurrentQueue<(Guid Cargo, int Sme, Guid Bid)> _bids = new();
    private readonly ConcurrentQueue<(Guid Cargo, int Sme)> _recentCargo = new();

    public IReadOnlyList<Pair> Pairs => _pairs;
    public IReadOnlyList<Lane> Lanes => _lanes;
    public string[] SmeTokens => _sme;
    public string RunId => _run;
    /// <summary>The name of SME organisation i (the one <see cref="SmeTokens"/>[i] signs in as).</summary>
    public string SmeOrg(int i) => $"load-sme-{i}-{_run}";

    private string Date(int days) => _today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Each run ships in its own stretch of the calendar (a base day 20..379 days out), so its capacity does not
    // fit the cargo earlier runs left open on the same lanes, nor theirs this run's: runs stay comparable.
    private readonly int _base = 20 + Random.Shared.Next(360);
    private readonly ConcurrentBag<(string Id, int Carrier)> _capacityPosted = [];

    public async Task SignIn()
    {
        _sme = await Task.WhenAll(Enumerable.Range(0, options.SmeOrgs).Select(i => api.Token($"load-sme-{i}-{_run}", "sme")));
        _carrier = await Task.WhenAll(Enumerable.Range(0, options.CarrierOrgs).Select(i => api.Token($"load-carrier-{i}-{_run}", "carrier")));
    }

    /// <summary>Called by the event streams for every event of an SME organisation.</summary>
    public void OnEvent(int sme, Received e)
    {
        if (e.Type == "routes.changed" && Guid.TryParse(e.Data?["cargoOfferId"]?.GetValue<string>(), out var cargoId)
            && _awaitingRoutes.TryRemove(cargoId, out var r))
            r.Phase.RoutesFromSent.Add(Stopwatch.GetElapsedTime(r.Sent, e.At).TotalMilliseconds);
        if (e.Type != "match.proposed" || e.Data is null) return;
        if (Guid.TryParse(e.Data["id"]?.GetValue<string>(), out var matchId)) _proposed.Enqueue((matchId, sme));
        foreach (var o in e.Data["offers"]?.AsArray() ?? [])
        {
            if (!Guid.TryParse(o?.GetValue<string>(), out var id)) continue;
            if (_awaiting.TryRemove(id, out var t)) Matched(id, sme, t, e.At);
            else _early.TryAdd(id, e.At);
        }
    }

    private void Matched(Guid id, int sme, (long Sent, long Created, MatchStats Phase) t, long at)
    {
        t.Phase.FromSent.Add(Stopwatch.GetElapsedTime(t.Sent, at).TotalMilliseconds);
        t.Phase.Timeline.Add((t.Sent, Stopwatch.GetElapsedTime(t.Sent, at).TotalMilliseconds));
        t.Phase.From201.Add(Math.Max(0, Stopwatch.GetElapsedTime(t.Created, at).TotalMilliseconds));
        InterlockedMax(ref t.Phase.LastMatched, at);
        _matchedCargo.Enqueue((id, sme));
    }

    // ------------------------------------------------------------------ warm-up

    /// <summary>
    /// One cargo offer per candidate pair; its first route, once ready, gets capacity on each run of legs of one mode
    /// (two offers of 500 containers, departures today+1..today+60), so generated cargo on the pair is matched.
    /// </summary>
    public async Task WarmUp(TimeSpan wait)
    {
        var carrier = 0;
        foreach (var pair in Candidates)
        {
            var posted = await api.Send(HttpMethod.Post, _sme[0], "api/cargo-offers", Cargo(pair, 2), idempotencyKey: true);
            if (posted.Status != 201) throw new InvalidOperationException($"warm-up cargo {pair} answered {posted.Status}");
            var id = posted.Body!["id"]!.GetValue<string>();
            var deadline = DateTime.UtcNow + wait;
            JsonArray? legs = null;
            while (DateTime.UtcNow < deadline)
            {
                var r = await api.Send(HttpMethod.Get, _sme[0], $"api/cargo-offers/{id}/routes");
                if (r.Status == 200 && r.Body?["status"]?.GetValue<string>() == "ready" && r.Body["routes"] is JsonArray { Count: > 0 } routes)
                {
                    legs = routes[0]!["legs"]!.AsArray();
                    break;
                }
                await Task.Delay(200);
            }
            if (legs is null)
            {
                Console.Error.WriteLine($"warm-up: no routes for {pair.Origin} -> {pair.Destination} within {wait.TotalSeconds} s; pair dropped");
                continue;
            }
            var lanes = new List<Lane>();
            foreach (var leg in legs)
            {
                var (from, to, mode, hours) = (leg!["from"]!.GetValue<string>(), leg["to"]!.GetValue<string>(),
                    leg["mode"]!.GetValue<string>(), leg["hours"]?.GetValue<double>() ?? 24);
                if (lanes.Count > 0 && lanes[^1].Mode == mode) lanes[^1] = lanes[^1] with { To = to, Hours = lanes[^1].Hours + hours };
                else lanes.Add(new Lane(from, to, mode, hours));
            }
            // Two carriers per lane, each with the most an offer may hold (500 containers; proposals do not take room).
            foreach (var lane in lanes)
                for (var k = 0; k < 2; k++)
                {
                    var who = carrier++ % _carrier.Length;
                    var c = await api.Send(HttpMethod.Post, _carrier[who], "api/capacity-offers", Capacity(lane, 500), idempotencyKey: true);
                    if (c.Status != 201) throw new InvalidOperationException($"warm-up capacity {lane} answered {c.Status}");
                    _capacityPosted.Add((c.Body!["id"]!.GetValue<string>(), who));
                }
            _pairs.Add(pair);
            _lanes.AddRange(lanes);
            Console.WriteLine($"  warm-up {pair.Origin} -> {pair.Destination}: {string.Join(", ", lanes.Select(l => $"{l.From}-{l.Mode}->{l.To}"))}");
        }
        if (_pairs.Count == 0) throw new InvalidOperationException("warm-up found no routable pair");
    }

    private object Cargo(Pair pair, int count) => new
    {
        origin = pair.Origin, destination = pair.Destination,
        readyDate = Date(_base + Random.Shared.Next(0, 4)), deliverBy = Date(_base + 70),
        containers = new { count, type = "40HC" }, weightKg = 9_000 * count, hsCode = HsCodes[Random.Shared.Next(HsCodes.Length)],
        description = "load generator cargo", targetPrice = new { amount = 4_000 * count, currency = "USD" },
    };

    /// <summary>Capacity departing in the run's stretch (warm-up) or, for the mix, months after it.</summary>
    private object Capacity(Lane lane, int count, bool later = false) => new
    {
        from = lane.From, to = lane.To, mode = lane.Mode,
        departureFrom = Date(later ? _base + 90 : _base - 1), departureTo = Date(later ? _base + 120 : _base + 58),
        containers = new { count, type = "40HC" }, pricePerContainer = new { amount = 1_500 + Random.Shared.Next(1_500), currency = "USD" },
        transitDays = Math.Clamp((int)Math.Ceiling(lane.Hours / 24) + 1, 1, 120),
    };

    // ------------------------------------------------------------------ requests

    /// <summary>Posts one cargo offer on a warmed pair and tracks it until its match.proposed arrives.</summary>
    public async Task PostCargo(PhaseStats phase, MatchStats matches)
    {
        var sme = Random.Shared.Next(_sme.Length);
        var pair = _pairs[Random.Shared.Next(_pairs.Count)];
        long sent = 0;
        var a = await api.Send(HttpMethod.Post, _sme[sme], "api/cargo-offers", Cargo(pair, Random.Shared.Next(1, 3)),
            idempotencyKey: true, sent: t => sent = t);
        phase.Of("cargo.post").Record(a.Ms, a.Status);
        if (a.Status != 201 || !Guid.TryParse(a.Body?["id"]?.GetValue<string>(), out var id)) return;
        var created = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref matches.Posted);
        InterlockedMin(ref matches.FirstSent, sent);
        _awaiting[id] = (sent, created, matches);
        _awaitingRoutes[id] = (sent, matches);
        if (_early.TryRemove(id, out var at) && _awaiting.TryRemove(id, out var t)) Matched(id, sme, t, at);
        _recentCargo.Enqueue((id, sme));
        while (_recentCargo.Count > 2_000) _recentCargo.TryDequeue(out _);
    }

    /// <summary>One request of the mix other than a cargo post (weights in the switch).</summary>
    public Task Other(PhaseStats phase)
    {
        var roll = Random.Shared.Next(100);
        return roll switch
        {
            < 18 => GetCargo(phase),
            < 28 => ListCargo(phase),
            < 33 => ListCapacity(phase),
            < 38 => ListMatches(phase),
            < 53 => RouteQuery(phase),
            < 61 => PostCapacity(phase),
            < 71 => PostTrade(phase),
            < 83 => PostBid(phase),
            < 91 => Award(phase),
            _ => Accept(phase),
        };
    }

    private async Task GetCargo(PhaseStats phase)
    {
        if (!_recentCargo.TryPeek(out var c)) { await ListCargo(phase); return; }
        var a = await api.Send(HttpMethod.Get, _sme[Random.Shared.Next(_sme.Length)], $"api/cargo-offers/{c.Cargo}", parse: false);
        phase.Of("cargo.get").Record(a.Ms, a.Status);
    }

    private async Task ListCargo(PhaseStats phase)
    {
        var pair = _pairs[Random.Shared.Next(_pairs.Count)];
        var a = await api.Send(HttpMethod.Get, _carrier[Random.Shared.Next(_carrier.Length)],
            $"api/cargo-offers?origin={pair.Origin}&destination={pair.Destination}&status=open&limit=20", parse: false);
        phase.Of("cargo.list").Record(a.Ms, a.Status);
    }

    private async Task ListCapacity(PhaseStats phase)
    {
        var lane = _lanes[Random.Shared.Next(_lanes.Count)];
        var a = await api.Send(HttpMethod.Get, _sme[Random.Shared.Next(_sme.Length)],
            $"api/capacity-offers?from={lane.From}&to={lane.To}&limit=20", parse: false);
        phase.Of("capacity.list").Record(a.Ms, a.Status);
    }

    private async Task ListMatches(PhaseStats phase)
    {
        var sme = Random.Shared.Next(_sme.Length);
        var a = await api.Send(HttpMethod.Get, _sme[sme], "api/matches?status=proposed&limit=20", parse: false);
        phase.Of("matches.list").Record(a.Ms, a.Status);
    }

    private async Task RouteQuery(PhaseStats phase)
    {
        var (from, to) = RouteQueries[Random.Shared.Next(RouteQueries.Length)];
        var objective = Objectives[Random.Shared.Next(Objectives.Length)];
        var a = await api.Send(HttpMethod.Get, _sme[Random.Shared.Next(_sme.Length)],
            $"api/routes?from={from}&to={to}&objective={objective}&containers=2&type=40HC", parse: false);
        phase.Of("routes.query").Record(a.Ms, a.Status);
    }

    /// <summary>
    /// Capacity on the same lanes for months after the run's cargo: the matcher indexes and checks it against the open
    /// cargo of the lane, but it proposes nothing, so the timed cargo competes only with the warm-up capacity.
    /// </summary>
    private async Task PostCapacity(PhaseStats phase)
    {
        var lane = _lanes[Random.Shared.Next(_lanes.Count)];
        var who = Random.Shared.Next(_carrier.Length);
        var a = await api.Send(HttpMethod.Post, _carrier[who], "api/capacity-offers",
            Capacity(lane, Random.Shared.Next(2, 20), later: true), idempotencyKey: true);
        phase.Of("capacity.post").Record(a.Ms, a.Status);
        if (a.Status == 201 && a.Body?["id"]?.GetValue<string>() is { } id) _capacityPosted.Add((id, who));
    }

    /// <summary>Withdraws the capacity this run posted, so later runs start from the same state.</summary>
    public async Task<int> WithdrawCapacity()
    {
        var done = 0;
        await Parallel.ForEachAsync(_capacityPosted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            var a = await api.Send(HttpMethod.Delete, _carrier[c.Carrier], $"api/capacity-offers/{c.Id}", parse: false);
            if (a.Status == 204) Interlocked.Increment(ref done);
        });
        return done;
    }

    private async Task PostTrade(PhaseStats phase)
    {
        var sell = Random.Shared.Next(2) == 0;
        var hs = HsCodes[Random.Shared.Next(HsCodes.Length)];
        var a = await api.Send(HttpMethod.Post, _sme[Random.Shared.Next(_sme.Length)], "api/trade-offers", new
        {
            side = sell ? "sell" : "buy", hsCode = hs, product = $"HS {hs} lot", quantity = Random.Shared.Next(5, 100), unit = "t",
            unitPrice = new { amount = sell ? 1_500 + Random.Shared.Next(500) : 2_000 + Random.Shared.Next(800), currency = "USD" },
            incoterm = sell ? "FCA" : "DAP", city = TradeCities[Random.Shared.Next(TradeCities.Length)], validUntil = Date(30),
        }, idempotencyKey: true, parse: false);
        phase.Of("trade.post").Record(a.Ms, a.Status);
    }

    /// <summary>Carriers bid on cargo that already has its proposal, so a later award never steals a match being timed.</summary>
    private async Task PostBid(PhaseStats phase)
    {
        if (!_matchedCargo.TryDequeue(out var c)) { await GetCargo(phase); return; }
        var a = await api.Send(HttpMethod.Post, _carrier[Random.Shared.Next(_carrier.Length)], $"api/cargo-offers/{c.Cargo}/bids", new
        {
            price = new { amount = 3_000 + Random.Shared.Next(3_000), currency = "USD" }, transitDays = Random.Shared.Next(10, 25),
            validUntil = Date(10), note = "load generator bid",
        }, idempotencyKey: true);
        phase.Of("bid.post").Record(a.Ms, a.Status);
        if (a.Status == 201 && Guid.TryParse(a.Body?["id"]?.GetValue<string>(), out var bid)) _bids.Enqueue((c.Cargo, c.Sme, bid));
    }

    private async Task Award(PhaseStats phase)
    {
        if (!_bids.TryDequeue(out var b)) { await ListCapacity(phase); return; }
        var a = await api.Send(HttpMethod.Post, _sme[b.Sme], $"api/cargo-offers/{b.Cargo}/bids/{b.Bid}/award", parse: false);
        phase.Of("bid.award").Record(a.Ms, a.Status);
    }

    private async Task Accept(PhaseStats phase)
    {
        if (!_proposed.TryDequeue(out var m)) { await ListMatches(phase); return; }
        var a = await api.Send(HttpMethod.Post, _sme[m.Sme], $"api/matches/{m.Match}/accept", parse: false);
        phase.Of("match.accept").Record(a.Ms, a.Status);
    }

    public int Awaiting(MatchStats phase) => _awaiting.Values.Count(v => v.Phase == phase);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current) current = Interlocked.Read(ref target);
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value < current && Interlocked.CompareExchange(ref target, value, current) != current) current = Interlocked.Read(ref target);
    }
}
