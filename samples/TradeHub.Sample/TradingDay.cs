using System.Globalization;
using System.Text.Json.Nodes;

namespace TradeHub.Sample;

/// <summary>
/// A trading day on the corridor from Tianjin to Tashkent and Minsk, through the gateway's public API only.
/// Organisations carry a per-run suffix so the day can be replayed against the same system without meeting
/// yesterday's offers; every creating POST sends its own Idempotency-Key.
/// </summary>
public sealed class TradingDay(Gateway gateway, TimeSpan wait)
{
    private readonly string run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
    private readonly DateOnly today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly List<string> shortfalls = [];
    private readonly List<(string Carrier, string Id)> capacityPosted = [];
    private int step;

    /// <summary>What did not happen as expected (the day goes on; the exit code says so at the end).</summary>
    public IReadOnlyList<string> Shortfalls => shortfalls;

    private string Org(string name) => $"{name}-{run}";
    private string Date(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task Play()
    {
        Say($"Trading day {run} against {gateway.BaseAddress} ({today:yyyy-MM-dd})");
        await gateway.EnsureReachable();

        Step("Everyone signs in (dev tokens from POST /api/dev/tokens)");
        foreach (var (org, role) in new[]
                 {
                     ("tianjin-machinery", "sme"), ("tianjin-home-goods", "sme"), ("tianjin-foods", "sme"),
                     ("tianjin-electronics", "sme"), ("tianjin-textiles", "sme"), ("tianjin-ceramics", "sme"),
                     ("tianjin-auto-parts", "sme"), ("tianjin-tea", "sme"),
                     ("uz-cotton-growers", "sme"), ("uz-nut-traders", "sme"), ("uz-textile-works", "sme"),
                     ("by-textile-mill", "sme"), ("by-machine-works", "sme"), ("by-food-import", "sme"),
                     ("china-rail-express", "carrier"), ("ktz-express", "carrier"), ("belintertrans", "carrier"),
                     ("silk-road-trucking", "carrier"), ("caspian-forwarding", "carrier"), ("corridor-operator", "admin"),
                 })
            tokens[org] = await gateway.Token(Org(org), role);
        tokens["tianjin-trade-office"] = await gateway.Token("tianjin-trade-office", "trade_office");
        Say($"  {tokens.Count} organisations signed in (suffix -{run})");

        Step("tianjin-foods' own system registers a webhook (POST /api/webhooks) to hear of its bids and routes");
        await using var erp = await ErpEndpoint.Start();
        var webhookId = await RegisterWebhook(erp);

        Step("Morning: SMEs in Tianjin post cargo to Tashkent and Minsk");
        var toTashkent = await PostCargo("tianjin-machinery", "UZTAS", 2, "40HC", 36_000, "847989", "Packaging machinery for a Tashkent plant", 9_800);
        var toMinsk = await PostCargo("tianjin-home-goods", "BYMSQ", 1, "40HC", 18_000, "940360", "Wooden furniture", 7_500);
        var foodToTashkent = await PostCargo("tianjin-foods", "UZTAS", 1, "20GP", 12_000, "200819", "Roasted nuts and seeds", 4_200);

        Step("Routing computes the Pareto set of routes for each (GET /api/cargo-offers/{id}/routes)");
        var tashkentRoute = await FirstRoute("tianjin-machinery", toTashkent);
        var minskRoute = await FirstRoute("tianjin-home-goods", toMinsk);

        Step("Rail carriers post capacity along the Tashkent cargo's first route, split at the break of gauge");
        await PostCapacityAlong(tashkentRoute, "china-rail-express", "ktz-express", Fallback("UZTAS"));
        await AcceptCargoMatch("tianjin-machinery", toTashkent);

        Step("Carriers bid on the food shipment; the shipper awards the better bid");
        await Bidding(foodToTashkent);

        Step("The food shipment goes to Tashkent: booked from the award, tracked leg by leg, shared, delivered");
        await CarryToDelivery("tianjin-foods", "caspian-forwarding", foodToTashkent);

        Step("Three more Tianjin SMEs send a container each to Tashkent; a forwarder bids, each shipper awards");
        var smallShipments = await SmallShipmentsToTashkent();

        Step("Caspian Forwarding carries the three containers to Tashkent the same way; each shipper confirms delivery");
        foreach (var (sme, cargo) in smallShipments) await CarryToDelivery(sme, "caspian-forwarding", cargo, quiet: true);

        Step("Uzbek and Belarusian traders post trade offers (cotton 520100, machinery 847989, almonds 080211)");
        await TradeOffers();

        Step("Mid-day: a border crossing on the Minsk cargo's route closes for works");
        var (disruptionId, minskLegs) = await CloseCrossing(toMinsk, minskRoute);

        Step("Carriers post capacity along the Minsk cargo's route as it stands now");
        await PostCapacityAlong(minskLegs, "china-rail-express", "belintertrans", Fallback("BYMSQ"));
        await AcceptCargoMatch("tianjin-home-goods", toMinsk);

        Step("Evening: the works end, the crossing reopens; carriers withdraw capacity nobody took");
        if (disruptionId is not null)
        {
            await gateway.Delete(tokens["corridor-operator"], $"/api/network/disruptions/{disruptionId}");
            Say($"  DELETE /api/network/disruptions/{disruptionId}: crossing open again");
        }
        await WithdrawUnusedCapacity();

        Step("A Tianjin exporter tenders its season (5 lanes); 4 carriers bid on packages; CP-SAT picks the cheapest cover");
        await SeasonTender();

        Step("Consolidation pools: eight SMEs fill a train to Tashkent (five with loose cargo), it runs at the cut-off; " +
             "a train to Minsk stays under its minimum, is cancelled, and its cargo offer is matched again");
        await ConsolidationPools();

        Step("What the Tianjin trade office sees: GET /api/flows?groupBy=corridor");
        await PrintFlows();

        Step("How goods actually moved: GET /api/corridors/performance (from carriers' actual events)");
        await PrintCorridorPerformance();

        if (webhookId is not null)
        {
            Step("What tianjin-foods' system was told: signed webhooks, each verified before it was believed");
            await ShowWebhooks(erp, webhookId);
        }

        Step("Shipments move: carriers report actual events, shippers confirm delivery, both sides rate each other");
        await DeliverAndRate();

        Step("Trust: two carriers' scores with their explanations (GET /api/organisations/{org}/trust)");
        await PrintTrust("caspian-forwarding");
        await PrintTrust("china-rail-express");

        Step("A shipper requires a minimum trust score: a carrier without a record cannot bid");
        await MinimumTrust();

        Say("");
        Say(shortfalls.Count == 0
            ? "The day is done: every step happened as expected."
            : $"The day is done with {shortfalls.Count} shortfall(s):\n  - " + string.Join("\n  - ", shortfalls));
    }

    // ------------------------------------------------------------------ cargo and routes

    private async Task<string> PostCargo(string sme, string destination, int count, string type, int weightKg, string hsCode,
        string description, decimal targetUsd)
    {
        var offer = await gateway.Create(tokens[sme], "/api/cargo-offers", new
        {
            origin = "CNTSN", destination, readyDate = Date(3), deliverBy = Date(45),
            containers = new { count, type }, weightKg, hsCode, description, hazardous = false,
            targetPrice = new { amount = targetUsd, currency = "USD" },
        });
        var id = offer!["id"]!.GetValue<string>();
        Say($"  {Org(sme)}: {count} x {type} CNTSN -> {destination}, HS {hsCode} ({description}): {id} [{offer["status"]}]");
        return id;
    }

    private async Task<IReadOnlyList<RouteLeg>> FirstRoute(string sme, string cargoId)
    {
        var answer = await gateway.Poll(tokens[sme], $"/api/cargo-offers/{cargoId}/routes",
            a => a?["status"]?.GetValue<string>() == "ready" && a["routes"] is JsonArray { Count: > 0 }, wait);
        if (answer is null)
        {
            Shortfall($"no routes for cargo {cargoId} within {wait.TotalSeconds:0} s (is the routing service running?)");
            return [];
        }
        var routes = answer["routes"]!.AsArray();
        Say($"  cargo {cargoId}: {routes.Count} Pareto route(s), version {answer["version"]?.ToString() ?? "-"}");
        foreach (var route in routes.Take(3))
            Say($"    {route!["totalHours"]?.GetValue<double>() / 24,5:0.0} days  ${route["costUsd"],-8} {route["co2Kg"]?.GetValue<double>(),8:0} kg CO2  " +
                Corridor.Describe(route["legs"]!.AsArray().Select(l => RouteLeg.Of(l!)).ToList()));
        return routes[0]!["legs"]!.AsArray().Select(l => RouteLeg.Of(l!)).ToList();
    }

    /// <summary>The corridor's well-known lanes, used only when Routing gave no route to follow.</summary>
    private static IReadOnlyList<RouteLeg> Fallback(string destination) => destination == "UZTAS"
        ? [new("CNTSN", "CNKHG", "rail", 120, 1800, false, false), new("CNKHG", "KZALT", "rail", 2, 150, true, true),
           new("KZALT", "KZALA", "rail", 12, 400, false, false), new("KZALA", "UZTAS", "rail", 30, 900, true, false)]
        : [new("CNTSN", "CNAKS", "rail", 110, 1700, false, false), new("CNAKS", "KZDOS", "rail", 5, 150, true, true),
           new("KZDOS", "RUMOW", "rail", 150, 2600, true, false), new("RUMOW", "BYMSQ", "rail", 27, 600, false, false)];

    private async Task PostCapacityAlong(IReadOnlyList<RouteLeg> legs, string firstCarrier, string secondCarrier, IReadOnlyList<RouteLeg> fallback)
    {
        if (legs.Count == 0)
        {
            Say("  (no route to follow: carriers post the corridor's usual lanes instead)");
            legs = fallback;
        }
        var (first, second) = Corridor.SplitAtCrossing(legs);
        foreach (var lane in first) await PostCapacity(firstCarrier, lane);
        foreach (var lane in second) await PostCapacity(secondCarrier, lane);
    }

    private async Task PostCapacity(string carrier, Lane lane)
    {
        // Indicative price: the lane's cost with a margin; departures from the cargo's ready date for three weeks.
        var price = Math.Max(150m, Math.Round(lane.CostUsd * 1.15m / 10m) * 10m);
        var offer = await gateway.Create(tokens[carrier], "/api/capacity-offers", new
        {
            from = lane.From, to = lane.To, mode = lane.Mode,
            departureFrom = Date(3), departureTo = Date(24),
            containers = new { count = 6, type = "40HC" },
            pricePerContainer = new { amount = price, currency = "USD" },
            transitDays = Math.Clamp((int)Math.Ceiling(lane.Hours / 24) + 1, 1, 120),
        });
        var id = offer!["id"]!.GetValue<string>();
        capacityPosted.Add((carrier, id));
        Say($"  {Org(carrier)}: 6 x 40HC {lane}, ${price}/box: {id}");
    }

    // ------------------------------------------------------------------ matches

    /// <summary>Waits for a proposed cargo-capacity match made of this run's offers, and has every party accept it.</summary>
    private async Task AcceptCargoMatch(string sme, string cargoId)
    {
        // Prefer the chain of this run's capacity; on a platform that has run before, older open capacity may take the
        // cargo's few proposal slots first, and then the shipper takes the best proposal it got.
        var ours = capacityPosted.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        bool Ours(JsonNode m) => Offers(m).Skip(1).All(ours.Contains);
        var list = await gateway.Poll(tokens[sme], $"/api/matches?offerId={cargoId}&status=proposed",
            a => Items(a).Any(Ours) || Items(a).Count() >= MaxProposalsPerOffer, wait);
        var match = Items(list).FirstOrDefault(Ours)
            ?? Items(list).OrderByDescending(m => m["score"]?.GetValue<double>() ?? 0).FirstOrDefault();
        if (match is null)
        {
            Shortfall($"no cargo-capacity match proposed for cargo {cargoId} within {wait.TotalSeconds:0} s (is the matching service running?)");
            return;
        }
        var id = match["id"]!.GetValue<string>();
        Say($"  match {id} proposed{(Ours(match) ? "" : " (with capacity posted before this run)")}, score {match["score"]}:");
        foreach (var line in match["explanation"]?.AsArray() ?? []) Say($"    - {line}");
        var carriers = (match["legs"]?.AsArray() ?? []).Select(l => l!["carrier"]!.GetValue<string>()).Distinct().ToList();
        await Accept(id, [sme, .. carriers.Select(Local)]);
    }

    /// <summary>Matching proposes at most this many open matches per offer (MatchingRules).</summary>
    private const int MaxProposalsPerOffer = 3;

    private async Task Accept(string matchId, IEnumerable<string> parties)
    {
        foreach (var party in parties.Distinct())
        {
            var answer = await gateway.Post(await TokenOf(party), $"/api/matches/{matchId}/accept");
            Say($"  {(earlierParties.Contains(party) ? party : Org(party))} accepts: {answer?["status"]}");
        }
        var confirmed = await gateway.Poll(tokens[parties.First()], $"/api/matches/{matchId}",
            m => m?["status"]?.GetValue<string>() == "confirmed", wait);
        if (confirmed is null) Shortfall($"match {matchId} was accepted by every party but is not confirmed");
        else Say($"  match {matchId} confirmed");
    }

    /// <summary>This run's token of a party; a carrier from an earlier run signs in as itself (the sample plays every party).</summary>
    private async Task<string> TokenOf(string party)
    {
        if (tokens.TryGetValue(party, out var token)) return token;
        earlierParties.Add(party);
        return tokens[party] = await gateway.Token(party, "carrier");
    }

    private readonly HashSet<string> earlierParties = new(StringComparer.Ordinal);

    /// <summary>The organisation key this run uses for a full organisation id ("ktz-express-0101120000-ab12" -> "ktz-express").</summary>
    private string Local(string org) => org.EndsWith("-" + run, StringComparison.Ordinal) ? org[..^(run.Length + 1)] : org;

    private static IEnumerable<JsonNode> Items(JsonNode? list) => (list?["items"]?.AsArray() ?? []).OfType<JsonNode>();

    private static List<string> Offers(JsonNode match) =>
        (match["offers"]?.AsArray() ?? []).Select(o => o!.GetValue<string>()).ToList();

    // ------------------------------------------------------------------ bids

    private async Task Bidding(string cargoId)
    {
        var sme = "tianjin-foods";
        var silkRoad = await gateway.Create(tokens["silk-road-trucking"], $"/api/cargo-offers/{cargoId}/bids", new
        {
            price = new { amount = 4_600, currency = "USD" }, transitDays = 11, validUntil = Date(10),
            note = "Road via Khorgos, door to door",
        });
        var caspian = await gateway.Create(tokens["caspian-forwarding"], $"/api/cargo-offers/{cargoId}/bids", new
        {
            price = new { amount = 3_950, currency = "USD" }, transitDays = 14, validUntil = Date(10),
            note = "Rail via Altynkol, FCA Tianjin",
        });
        Say($"  {Org("silk-road-trucking")} bids $4,600 / 11 days; {Org("caspian-forwarding")} bids $3,950 / 14 days");
        var seenByOwner = Items(await gateway.Get(tokens[sme], $"/api/cargo-offers/{cargoId}/bids")).Count();
        var seenByRival = Items(await gateway.Get(tokens["silk-road-trucking"], $"/api/cargo-offers/{cargoId}/bids")).Count();
        Say($"  sealed bids: the shipper sees {seenByOwner}, a bidding carrier sees {seenByRival} (its own)");
        var winner = caspian!["id"]!.GetValue<string>();
        await gateway.Post(tokens[sme], $"/api/cargo-offers/{cargoId}/bids/{winner}/award");
        var offer = await gateway.Get(tokens[sme], $"/api/cargo-offers/{cargoId}");
        Say($"  awarded bid {winner} to {Org("caspian-forwarding")}; cargo {cargoId} is {offer?["status"]} " +
            $"(the other bid {silkRoad!["id"]} is lost)");
    }

    /// <summary>
    /// Three awarded bids on one lane: enough deals for the trade office's flow row (a row of fewer than three deals
    /// would show a single deal's size, so it is withheld). Each offer is routed before its award, so the flows share
    /// the route's corridor.
    /// </summary>
    private async Task<List<(string Sme, string Cargo)>> SmallShipmentsToTashkent()
    {
        var awarded = new List<(string Sme, string Cargo)>();
        foreach (var (sme, hsCode, description) in new[]
                 {
                     ("tianjin-machinery", "847989", "Spare parts for packaging lines"),
                     ("tianjin-home-goods", "940360", "Flat-pack furniture"),
                     ("tianjin-foods", "200819", "Dried fruit"),
                 })
        {
            var cargo = await PostCargo(sme, "UZTAS", 1, "40HC", 15_000, hsCode, description, 5_000);
            await FirstRoute(sme, cargo);
            var bid = await gateway.Create(tokens["caspian-forwarding"], $"/api/cargo-offers/{cargo}/bids", new
            {
                price = new { amount = 4_100, currency = "USD" }, transitDays = 13, validUntil = Date(10),
                note = "Rail via Altynkol, weekly groupage",
            });
            await gateway.Post(tokens[sme], $"/api/cargo-offers/{cargo}/bids/{bid!["id"]}/award");
            var offer = await gateway.Get(tokens[sme], $"/api/cargo-offers/{cargo}");
            Say($"  awarded to {Org("caspian-forwarding")} at $4,100; cargo {cargo} is {offer?["status"]}");
            awarded.Add((sme, cargo));
        }
        return awarded;
    }

    // ------------------------------------------------------------------ tender

    private static object TenderLane(string reference, string destination, int count, string from, string to) => new
    {
        @ref = reference, origin = "CNTSN", destination, mode = "rail", containers = new { count, type = "40HC" }, from, to,
    };

    private static object Package(string reference, params (string Lane, int Price)[] lanes) =>
        new { @ref = reference, lanes = lanes.Select(l => new { @ref = l.Lane, pricePerContainer = l.Price }).ToArray() };

    /// <summary>
    /// Five lanes west from Tianjin; rail operators bid bundles that beat single lanes (a train full both ways, a
    /// Central Asia pair), a trucker bids lane by lane. The award covers every lane once at the least total cost.
    /// </summary>
    private async Task SeasonTender()
    {
        var sme = "tianjin-machinery";
        var (from, to) = (Date(20), Date(80));
        var tender = await gateway.Create(tokens[sme], "/api/tenders", new
        {
            title = "Tianjin season: five lanes west", closesAt = DateTimeOffset.UtcNow.AddDays(2),
            lanes = new[]
            {
                TenderLane("TAS", "UZTAS", 4, from, to), TenderLane("ALA", "KZALA", 3, from, to), TenderLane("MSQ", "BYMSQ", 2, from, to),
                TenderLane("MOW", "RUMOW", 5, from, to), TenderLane("TBS", "GETBS", 1, from, to),
            },
        });
        var id = tender?["id"]?.GetValue<string>();
        if (id is null) { Shortfall("the tender was not created"); return; }
        var bids = new (string Carrier, object Bid)[]
        {
            ("china-rail-express", new { packages = new[] {
                Package("central-asia", ("TAS", 2100), ("ALA", 2000)), Package("westbound", ("MSQ", 2900), ("MOW", 2800)),
                Package("tas", ("TAS", 2600)), Package("mow", ("MOW", 3000)) } }),
            ("ktz-express", new { packages = new[] {
                Package("kz-uz-ge", ("TAS", 2200), ("ALA", 2150), ("TBS", 2700)), Package("tas", ("TAS", 2500)), Package("ala", ("ALA", 2400)) },
                exclusive = new[] { new[] { "kz-uz-ge", "tas" } } }),
            ("belintertrans", new { packages = new[] { Package("msq", ("MSQ", 3100)), Package("mow", ("MOW", 3300)) } }),
            ("silk-road-trucking", new { packages = new[] { Package("tbs", ("TBS", 2900)), Package("ala", ("ALA", 2450)), Package("tas", ("TAS", 2550)) } }),
        };
        foreach (var (carrier, bid) in bids) await gateway.Post(tokens[carrier], $"/api/tenders/{id}/bids", bid);
        Say($"  tender {id}: {bids.Length} sealed bids; the owner sees their count, each carrier only its own");
        await gateway.Post(tokens[sme], $"/api/tenders/{id}/close");
        var award = await gateway.Poll(tokens[sme], $"/api/tenders/{id}/award",
            a => a?["status"]?.GetValue<string>() is "awarded" or "unawarded", TimeSpan.FromSeconds(60));
        if (award?["status"]?.GetValue<string>() != "awarded") { Shortfall($"tender {id} was not awarded"); return; }
        foreach (var line in award["explanation"]?.AsArray() ?? []) Say($"  {line}");
        // Beside each winning carrier its trust score (Tenders' copy of Shipments' scores; 60 without a record).
        foreach (var won in (award["assignments"]?.AsArray() ?? []).GroupBy(a => a!["carrier"]!.GetValue<string>()))
            Say($"  {won.Key}: trust score {won.First()!["carrierTrustScore"]}, lanes " +
                string.Join(", ", won.Select(a => a!["laneRef"]!.GetValue<string>())));
        var winner = await gateway.Get(tokens["china-rail-express"], $"/api/tenders/{id}/award");
        Say($"  {Org("china-rail-express")} sees only its own lanes: " +
            string.Join(", ", (winner?["assignments"]?.AsArray() ?? []).Select(a => a!["laneRef"]!.GetValue<string>())));
    }

    // ------------------------------------------------------------------ consolidation pools

    /// <summary>
    /// China Rail Express sells a block train to Tashkent by the container: the price falls from $3,200 at its minimum
    /// of 5 containers to $2,400 at its maximum of 12. Eight Tianjin SMEs fill it: three with cargo offers of full
    /// containers, five with loose cargo packed into shared boxes; each join lowers everyone's price. Belintertrans
    /// opens a train to Minsk that needs 10 containers and gets 2: it is cancelled at the cut-off, and the furniture
    /// offer in it goes back to ordinary matching and is proposed capacity posted meanwhile. Both cut-offs are seconds
    /// away here (up.sh sweeps every 2 s).
    /// </summary>
    private async Task ConsolidationPools()
    {
        var rail = "china-rail-express";
        var minskRail = "belintertrans";
        // The cargo offers first, so the pools' cut-offs need only cover the joins.
        var machinery = await PostCargo("tianjin-machinery", "UZTAS", 2, "40HC", 36000, "847989", "Textile machinery", 9000);
        var homeGoods = await PostCargo("tianjin-home-goods", "UZTAS", 1, "40HC", 14000, "940360", "Furniture", 4500);
        var electronics = await PostCargo("tianjin-electronics", "UZTAS", 1, "40HC", 9000, "851712", "Mobile phones", 4500);
        var furnitureToMinsk = await PostCargo("tianjin-home-goods", "BYMSQ", 1, "40HC", 16000, "940360", "Sofas and chairs", 5000);

        var cutoff = DateTimeOffset.UtcNow.AddSeconds(40);
        var pool = await OpenPool(rail, "UZTAS", cutoff, 5, 12, 3200, 2400);
        var minskPool = await OpenPool(minskRail, "BYMSQ", cutoff, 10, 41, 2900, 2100);
        if (pool is null || minskPool is null) return;

        var prices = new List<decimal>();
        foreach (var (sme, body) in new (string, object)[]
                 {
                     ("tianjin-machinery", new { cargoOfferId = machinery }),
                     ("tianjin-home-goods", new { cargoOfferId = homeGoods }),
                     ("tianjin-electronics", new { cargoOfferId = electronics }),
                     ("tianjin-foods", new { weightKg = 6500, volumeM3 = 18, hsCode = "200819", description = "Roasted nuts, 40 pallets" }),
                     ("tianjin-textiles", new { weightKg = 4000, volumeM3 = 30, hsCode = "620342", description = "Cotton trousers, 300 cartons" }),
                     ("tianjin-ceramics", new { weightKg = 9000, volumeM3 = 12, hsCode = "691110", description = "Porcelain tableware, 16 crates" }),
                     ("tianjin-auto-parts", new { weightKg = 7000, volumeM3 = 15, hsCode = "870830", description = "Brake parts, 20 pallets" }),
                     ("tianjin-tea", new { weightKg = 3000, volumeM3 = 20, hsCode = "090220", description = "Green tea, 600 cases" }),
                 })
        {
            var joined = await JoinPool(sme, pool, body);
            if (joined is null) continue;
            var price = joined["pool"]?["pricePerContainer"]?["amount"]?.GetValue<decimal>() ?? 0;
            prices.Add(price);
            var member = joined["member"]!;
            Say($"  {Org(sme)} joins: {member["fullContainers"]} full + {member["sharedContainers"]} shared box(es); " +
                $"train {joined["pool"]?["fill"]?["containers"]} box(es), now ${price}/box; it pays ${member["price"]?["amount"]}");
        }
        if (prices.Count != 8) Shortfall($"{prices.Count} of 8 SMEs joined pool {pool}");
        await PoolPrivacy(pool);

        Say($"  To Minsk: {Org("tianjin-home-goods")} and {Org("tianjin-tea")} join pool {minskPool}; it needs 10 boxes");
        await JoinPool("tianjin-home-goods", minskPool, new { cargoOfferId = furnitureToMinsk });
        await JoinPool("tianjin-tea", minskPool, new { weightKg = 2500, volumeM3 = 14, hsCode = "090220", description = "Black tea, 400 cases" });
        // Capacity to Minsk appears while the furniture is pooled: Matching proposes it nothing until the pool gives it back.
        var minskRoute = await FirstRoute("tianjin-home-goods", furnitureToMinsk);
        await PostCapacityAlong(minskRoute, "china-rail-express", "belintertrans", Fallback("BYMSQ"));
        var whilePooled = Items(await gateway.Get(tokens["tianjin-home-goods"], $"/api/matches?offerId={furnitureToMinsk}&status=proposed")).Count();
        Say($"  while pooled, cargo {furnitureToMinsk} has {whilePooled} proposed match(es)");

        var settle = cutoff - DateTimeOffset.UtcNow + wait;
        var settled = await gateway.Poll(tokens[rail], $"/api/pools/{pool}",
            p => p?["status"]?.GetValue<string>() is "running" or "cancelled", settle);
        if (settled?["status"]?.GetValue<string>() != "running") Shortfall($"pool {pool} did not run at its cut-off");
        else await PoolRuns(rail, pool, settled, prices);

        var cancelled = await gateway.Poll(tokens[minskRail], $"/api/pools/{minskPool}",
            p => p?["status"]?.GetValue<string>() is "running" or "cancelled", wait);
        if (cancelled?["status"]?.GetValue<string>() != "cancelled") { Shortfall($"pool {minskPool} was not cancelled at its cut-off"); return; }
        Say($"  cut-off: pool {minskPool} to Minsk is cancelled with {cancelled["fill"]?["containers"]} of {cancelled["minContainers"]} boxes");
        var again = await gateway.Poll(tokens["tianjin-home-goods"], $"/api/matches?offerId={furnitureToMinsk}&status=proposed",
            a => Items(a).Any(), wait);
        var match = Items(again).OrderByDescending(m => m["score"]?.GetValue<double>() ?? 0).FirstOrDefault();
        if (match is null) { Shortfall($"cargo {furnitureToMinsk} was not matched again after pool {minskPool} was cancelled"); return; }
        Say($"  back in ordinary matching: cargo {furnitureToMinsk} is proposed match {match["id"]}, score {match["score"]}, " +
            $"by {string.Join(" + ", (match["legs"]?.AsArray() ?? []).Select(l => l!["carrier"]!.GetValue<string>()).Distinct())}");
    }

    private async Task<string?> OpenPool(string rail, string to, DateTimeOffset cutoff, int min, int max, decimal atMin, decimal atMax)
    {
        var opened = await gateway.Create(tokens[rail], "/api/pools", new
        {
            from = "CNTSN", to, departureDate = Date(20), cutoff, minContainers = min, maxContainers = max, containerType = "40HC",
            pricePerContainerAtMin = new { amount = atMin, currency = "USD" },
            pricePerContainerAtMax = new { amount = atMax, currency = "USD" },
        });
        var pool = opened?["id"]?.GetValue<string>();
        if (pool is null) { Shortfall($"the pool to {to} was not opened"); return null; }
        Say($"  {Org(rail)} opens pool {pool}: CNTSN -> {to} departing {Date(20)}, {min}-{max} x 40HC, " +
            $"${atMin}/box at the minimum, ${atMax} at the maximum, cut-off {cutoff:HH:mm:ss}");
        return pool;
    }

    /// <summary>A member reads the pool and finds only itself; an SME outside it finds no members at all.</summary>
    private async Task PoolPrivacy(string pool)
    {
        var asMember = await gateway.Get(tokens["tianjin-tea"], $"/api/pools/{pool}");
        var asStranger = await gateway.Get(tokens["uz-cotton-growers"], $"/api/pools/{pool}");
        var seen = (asMember?["members"]?.AsArray() ?? []).Select(m => m!["org"]!.GetValue<string>()).Distinct().ToList();
        Say($"  {Org("tianjin-tea")} reads the pool: {asMember?["fill"]?["members"]} members, " +
            $"{asMember?["fill"]?["containers"]} boxes, ${asMember?["pricePerContainer"]?["amount"]}/box; members it sees: {string.Join(", ", seen)}");
        Say($"  {Org("uz-cotton-growers")} (not a member) sees the fill and the price, members: {(asStranger?["members"] is null ? "none" : "some")}");
        if (seen.Count != 1 || seen[0] != Org("tianjin-tea") || asMember?["plan"] is not null)
            Shortfall("a member of the pool saw another member or the packing plan");
        if (asStranger?["members"] is not null) Shortfall("an SME outside the pool saw its members");
    }

    /// <summary>The train runs: the operator's packing plan, the settled price, and every member's shipment on the train.</summary>
    private async Task PoolRuns(string rail, string pool, JsonNode settled, List<decimal> prices)
    {
        var openPrice = settled["pricePerContainerAtMin"]?["amount"]?.GetValue<decimal>();
        var finalPrice = settled["pricePerContainer"]?["amount"]?.GetValue<decimal>();
        Say($"  cut-off: the train to Tashkent runs with {settled["fill"]?["containers"]} boxes " +
            $"({settled["fill"]?["sharedContainers"]} shared) at ${finalPrice}/box " +
            $"(${openPrice} at the minimum; after each join {string.Join(" -> ", prices.Select(p => $"${p}"))})");
        if (finalPrice is null || openPrice is null || finalPrice >= openPrice) Shortfall("the price per container did not fall as the pool filled");
        var plan = settled["plan"];
        Say($"    packing plan ({plan?["method"]}): {plan?["containers"]?.AsArray().Count} shared box(es), " +
            $"lower bound {plan?["lowerBound"]}, first-fit-decreasing {plan?["firstFitDecreasing"]}");
        foreach (var container in plan?["containers"]?.AsArray() ?? [])
            Say($"    shared box {container!["number"]}: {container["weightKg"]} kg, {container["volumeM3"]} m3, " +
                $"bound by {container["binding"]}, {container["members"]?.AsArray().Count} member(s)");
        foreach (var sme in new[] { "tianjin-machinery", "tianjin-home-goods", "tianjin-electronics", "tianjin-foods",
                     "tianjin-textiles", "tianjin-ceramics", "tianjin-auto-parts", "tianjin-tea" })
        {
            var list = await gateway.Poll(tokens[sme], "/api/shipments?limit=100",
                a => Items(a).Any(x => x["poolId"]?.GetValue<string>() == pool), wait);
            var shipment = Items(list).FirstOrDefault(x => x["poolId"]?.GetValue<string>() == pool);
            if (shipment is null) { Shortfall($"{Org(sme)} has no shipment on pool {pool}'s train"); continue; }
            Say($"  {Org(sme)}: shipment {shipment["id"]} on {Org(rail)}'s train, {shipment["containers"]?["count"]} box(es), " +
                $"planned arrival {shipment["plannedArrival"]}");
        }
    }

    /// <summary>Joins a pool; a cargo offer joins once Pools has its copy (a 404 until its event arrived).</summary>
    private async Task<JsonNode?> JoinPool(string sme, string pool, object body)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return await gateway.Create(tokens[sme], $"/api/pools/{pool}/members", body);
            }
            catch (ApiException e) when (e.Message.Contains(" answered 404 ", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
            catch (ApiException e)
            {
                Shortfall($"{Org(sme)} could not join pool {pool}: {e.Message}");
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ webhooks

    private async Task<string?> RegisterWebhook(ErpEndpoint erp)
    {
        try
        {
            var created = await gateway.Create(tokens["tianjin-foods"], "/api/webhooks", new
            {
                url = erp.Url, events = new[] { "bid.placed", "bid.awarded", "routes.changed" },
                description = "ERP of tianjin-foods",
            });
            erp.Secret = created!["secret"]!.GetValue<string>();
            var id = created["id"]!.GetValue<string>();
            Say($"  webhook {id} -> {erp.Url}; secret {erp.Secret[..10]}... shown once, kept by the ERP to verify signatures");
            return id;
        }
        catch (ApiException e) when (e.Message.Contains(" 400 ", StringComparison.Ordinal))
        {
            // A system that does not allow endpoints on private addresses (compose, Kubernetes) refuses loopback.
            Say($"  skipped: this system refuses a webhook endpoint on this machine ({e.Message})");
            return null;
        }
    }

    private async Task ShowWebhooks(ErpEndpoint erp, string webhookId)
    {
        bool Complete() => erp.Applied.Values.Count(t => t == "bid.placed") >= 2 && erp.Applied.Values.Contains("bid.awarded");
        var deadline = DateTime.UtcNow + wait;
        while (!Complete() && DateTime.UtcNow < deadline) await Task.Delay(250);
        foreach (var group in erp.Applied.Values.GroupBy(t => t).OrderBy(g => g.Key, StringComparer.Ordinal))
            Say($"  {group.Key,-16} {group.Count()} delivery(ies), signature verified");
        Say($"  refused (bad signature): {erp.Refused}");
        var log = await gateway.Get(tokens["tianjin-foods"], $"/api/webhooks/{webhookId}/deliveries");
        foreach (var delivery in Items(log).Take(5))
            Say($"    {delivery["eventType"],-16} {delivery["webhookId"]} {delivery["status"]} after {delivery["attempts"]} attempt(s), " +
                $"last answer {delivery["lastStatusCode"]?.ToString() ?? "-"}");
        if (!Complete()) Shortfall($"the ERP was not told of both bids and the award within {wait.TotalSeconds:0} s");
        if (erp.Refused > 0) Shortfall($"{erp.Refused} webhook(s) did not verify");
    }

    // ------------------------------------------------------------------ shipments

    /// <summary>
    /// The award books a shipment over the cargo's best route. The carrier reports actual events (DCSA: DEPA, customs
    /// CUSS/CUSR and the gauge-change transshipment DISC at the border, ARRI); the sample plays the journey within the
    /// last two days, since an actual event may not lie ahead. The shipper shares a tracking link and confirms delivery.
    /// </summary>
    private async Task CarryToDelivery(string sme, string carrier, string cargoId, bool quiet = false)
    {
        var list = await gateway.Poll(tokens[sme], "/api/shipments?limit=100",
            a => Items(a).Any(s => s["cargoOfferId"]?.GetValue<string>() == cargoId), wait);
        var shipment = Items(list).FirstOrDefault(s => s["cargoOfferId"]?.GetValue<string>() == cargoId);
        if (shipment is null)
        {
            Shortfall($"no shipment booked for cargo {cargoId} within {wait.TotalSeconds:0} s (is the shipments service running?)");
            return;
        }
        var id = shipment["id"]!.GetValue<string>();
        var legs = (shipment["legs"]?.AsArray() ?? []).OfType<JsonNode>()
            .Select(l => (From: l["from"]!.GetValue<string>(), To: l["to"]!.GetValue<string>())).ToList();
        Say($"  shipment {id} booked: {string.Join(" -> ", legs.Select(l => l.From).Append(legs[^1].To))}, " +
            $"planned arrival {shipment["plannedArrival"]}");
        var routes = await gateway.Get(tokens[sme], $"/api/cargo-offers/{cargoId}/routes");
        var routeLegs = (routes?["routes"]?.AsArray() ?? []).OfType<JsonNode>().FirstOrDefault()?["legs"]?.AsArray()
            .Select(l => RouteLeg.Of(l!)).ToList() ?? [];
        // The border: the far side of the first leg that crosses one (customs and the break of gauge happen there).
        var border = routeLegs.FirstOrDefault(l => l.IsCrossing)?.To ?? legs[0].To;
        var origin = legs[0].From;
        var destination = legs[^1].To;
        var start = DateTimeOffset.UtcNow.AddHours(-48);
        var events = new List<object>
        {
            Tracking($"{run}-depa", "DEPA", origin, start),
            Tracking($"{run}-cuss", "CUSS", border, start.AddHours(20)),
            Tracking($"{run}-disc", "DISC", border, start.AddHours(22), "gauge change: 1435 mm to 1520 mm"),
            Tracking($"{run}-cusr", "CUSR", border, start.AddHours(26)),
            Tracking($"{run}-arri", "ARRI", destination, start.AddHours(47)),
        };
        var answer = await gateway.Post(tokens[carrier], $"/api/shipments/{id}/events", new { events });
        var accepted = answer?["accepted"]?.AsArray().Count ?? 0;
        Say($"  {Org(carrier)} reports {accepted} of {events.Count} events: DEPA {origin}, CUSS/DISC/CUSR {border}, ARRI {destination}");
        if (accepted != events.Count) Shortfall($"the carrier's events on shipment {id} were not all accepted: {answer?["refused"]}");

        var share = quiet ? null : await gateway.Post(tokens[sme], $"/api/shipments/{id}/share");
        var token = share?["token"]?.GetValue<string>();
        if (token is not null && !quiet)
        {
            var page = await gateway.GetAnonymous($"/api/track/{token}");
            Say($"  {Org(sme)} shares a tracking link {share!["url"]}: anyone with it sees status {page?["status"]}, " +
                $"{(page?["milestones"]?.AsArray().Count ?? 0)} milestones, no parties or prices");
        }
        var delivered = await gateway.Post(tokens[sme], $"/api/shipments/{id}/delivery",
            new { deliveredAt = start.AddHours(47.5), note = "Received in Tashkent, seals intact" });
        Say($"  {Org(sme)} confirms delivery: status {delivered?["status"]}, actual arrival {delivered?["actualArrival"]}");
        if (delivered?["status"]?.GetValue<string>() != "delivered") Shortfall($"shipment {id} is not delivered");
    }

    private static object Tracking(string eventId, string type, string location, DateTimeOffset at, string? reason = null) =>
        new { eventId, type, location, eventDateTime = at, classifier = "ACT", reason };

    // ------------------------------------------------------------------ trade

    private async Task TradeOffers()
    {
        // (seller, buyer, HS code, product, quantity, unit, seller's price, buyer's price): the buyer's price
        // leaves room for the logistics between Tashkent and Minsk, so Matching finds a landed-cost fit.
        var deals = new[]
        {
            ("uz-cotton-growers", "UZTAS", "by-textile-mill", "BYMSQ", "520100", "Raw cotton, medium staple", 50m, "t", 1_650m, 2_050m),
            ("by-machine-works", "BYMSQ", "uz-textile-works", "UZTAS", "847989", "Cotton bale press", 4m, "pcs", 38_000m, 46_000m),
            ("uz-nut-traders", "UZTAS", "by-food-import", "BYMSQ", "080211", "Almonds in shell", 20m, "t", 4_100m, 5_000m),
        };
        var pairs = new List<(string Seller, string Buyer, string SellId, string BuyId)>();
        foreach (var (seller, sellerCity, buyer, buyerCity, hs, product, quantity, unit, sellPrice, buyPrice) in deals)
        {
            var sell = await gateway.Create(tokens[seller], "/api/trade-offers", new
            {
                side = "sell", hsCode = hs, product, quantity, unit,
                unitPrice = new { amount = sellPrice, currency = "USD" }, incoterm = "FCA", city = sellerCity, validUntil = Date(30),
            });
            var buy = await gateway.Create(tokens[buyer], "/api/trade-offers", new
            {
                side = "buy", hsCode = hs, product, quantity, unit,
                unitPrice = new { amount = buyPrice, currency = "USD" }, incoterm = "DAP", city = buyerCity, validUntil = Date(30),
            });
            Say($"  HS {hs} {product}: {Org(seller)} sells {quantity} {unit} at ${sellPrice} FCA {sellerCity}; " +
                $"{Org(buyer)} buys at ${buyPrice} DAP {buyerCity}");
            pairs.Add((seller, buyer, sell!["id"]!.GetValue<string>(), buy!["id"]!.GetValue<string>()));
        }
        foreach (var (seller, buyer, sellId, buyId) in pairs)
        {
            // The match of this run's pair: a platform that has run before may also propose an older open offer.
            bool Ours(JsonNode m) => Offers(m).Contains(sellId) && Offers(m).Contains(buyId);
            var list = await gateway.Poll(tokens[seller], $"/api/matches?offerId={sellId}&status=proposed", a => Items(a).Any(Ours), wait);
            var match = Items(list).FirstOrDefault(Ours);
            if (match is null)
            {
                Shortfall($"no trade match proposed for {Org(seller)}'s offer {sellId} within {wait.TotalSeconds:0} s");
                continue;
            }
            var id = match["id"]!.GetValue<string>();
            Say($"  trade match {id}, score {match["score"]}: {string.Join("; ", (match["explanation"]?.AsArray() ?? []).Take(2))}");
            await Accept(id, [seller, buyer]);
        }
    }

    // ------------------------------------------------------------------ disruption

    private async Task<(string? DisruptionId, IReadOnlyList<RouteLeg> Legs)> CloseCrossing(string cargoId, IReadOnlyList<RouteLeg> route)
    {
        // The route's first border node that is neither end: where a closure forces another path.
        var node = route.Where(l => l.IsCrossing).SelectMany(l => new[] { l.To, l.From })
            .FirstOrDefault(n => n != "CNTSN" && n != "BYMSQ") ?? "KZDOS";
        var version = (await gateway.Get(tokens["tianjin-home-goods"], $"/api/cargo-offers/{cargoId}/routes"))?["version"]?.ToString();
        var disruption = await gateway.Create(tokens["corridor-operator"], "/api/network/disruptions", new
        {
            nodeId = node, from = Date(0), to = Date(10), reason = $"Track works at {node} (sample day {run})",
        });
        var id = disruption?["id"]?.GetValue<string>();
        Say($"  {Org("corridor-operator")}: {node} closed {Date(0)}..{Date(10)} for works: disruption {id}");
        var rerouted = await gateway.Poll(tokens["tianjin-home-goods"], $"/api/cargo-offers/{cargoId}/routes",
            a => a?["version"]?.ToString() != version && a?["status"]?.GetValue<string>() == "ready"
                 && a["routes"] is JsonArray { Count: > 0 } routes
                 && routes[0]!["legs"]!.AsArray().All(l => l!["from"]!.GetValue<string>() != node && l["to"]!.GetValue<string>() != node),
            wait);
        if (rerouted is null)
        {
            Shortfall($"cargo {cargoId} was not re-routed around {node} within {wait.TotalSeconds:0} s");
            return (id, route);
        }
        var legs = rerouted["routes"]![0]!["legs"]!.AsArray().Select(l => RouteLeg.Of(l!)).ToList();
        Say($"  cargo {cargoId} re-routed (version {rerouted["version"]}): {Corridor.Describe(legs)}");
        return (id, legs);
    }

    // ------------------------------------------------------------------ end of day

    private async Task WithdrawUnusedCapacity()
    {
        var withdrawn = 0;
        foreach (var (carrier, id) in capacityPosted)
        {
            var list = await gateway.Get(tokens[carrier], "/api/capacity-offers?limit=500");
            var offer = Items(list).FirstOrDefault(o => o["id"]?.GetValue<string>() == id);
            if (offer?["status"]?.GetValue<string>() != "open") continue;
            await gateway.Delete(tokens[carrier], $"/api/capacity-offers/{id}");
            withdrawn++;
        }
        Say($"  {withdrawn} of {capacityPosted.Count} capacity offers withdrawn (the rest carry today's matches)");
    }

    private async Task PrintFlows()
    {
        var flows = (await gateway.Get(tokens["tianjin-trade-office"], "/api/flows?groupBy=corridor"))?.AsArray() ?? [];
        var rows = flows.OfType<JsonNode>()
            .Select(f => (Origin: f["origin"]?.ToString() ?? "", Destination: f["destination"]?.ToString() ?? "",
                Corridor: f["corridor"]?.ToString() ?? "", Matches: f["matches"]?.ToString() ?? "0",
                Containers: f["containers"]?.ToString() ?? "0", Weight: f["weightKg"]?.GetValue<decimal>() ?? 0))
            .OrderBy(r => r.Origin == "CNTSN" ? 0 : 1).ThenBy(r => r.Origin, StringComparer.Ordinal).ThenBy(r => r.Destination, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            Shortfall("the trade office sees no flows");
            return;
        }
        var corridorWidth = Math.Max(8, rows.Max(r => r.Corridor.Length));
        Say($"  {"origin",-7} {"destination",-11} {"corridor".PadRight(corridorWidth)} {"matches",7} {"containers",10} {"weight t",10}");
        Say($"  {new string('-', 7)} {new string('-', 11)} {new string('-', corridorWidth)} {new string('-', 7)} {new string('-', 10)} {new string('-', 10)}");
        foreach (var r in rows)
            Say($"  {r.Origin,-7} {r.Destination,-11} {r.Corridor.PadRight(corridorWidth)} {r.Matches,7} {r.Containers,10} {r.Weight / 1000m,10:0.0}");
        Say("  (all flows on the platform; rows from Tianjin first. Prices of single deals are never shown, nor rows of fewer than 3 deals.)");
    }

    // ------------------------------------------------------------------ shipments and trust

    /// <summary>The stars each shipper gives, by shipment in the order listed; carriers give their shippers five.</summary>
    private static readonly int[] ShipperStars = [5, 4, 5, 5, 4];

    /// <summary>
    /// Every booked shipment of the day is carried and delivered. caspian-forwarding reports each leg's actual departure
    /// and arrival; on a matched shipment the first carrier reports its departure but no arrival at the hand-over, so
    /// by the published formula its leg is not on time. Each shipper rates its carriers, each carrier its shipper.
    /// </summary>
    private async Task DeliverAndRate()
    {
        var shippers = new[] { "tianjin-machinery", "tianjin-home-goods", "tianjin-foods" };
        var booked = new List<JsonNode>();
        var delivered = new List<JsonNode>();
        foreach (var sme in shippers)
        {
            var list = await gateway.Poll(tokens[sme], "/api/shipments?limit=100", a => Items(a).Any(), TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, 20)));
            foreach (var x in Items(list))
            {
                if (booked.Concat(delivered).Any(b => b["id"]!.ToString() == x["id"]!.ToString())) continue;
                var status = x["status"]?.GetValue<string>();
                if (status == "booked") booked.Add(x);
                else if (status == "delivered") delivered.Add(x);
            }
        }
        // Shipments the day already carried to delivery (the awards above) are rated as they are.
        foreach (var shipment in delivered) await Rate(shipment, ShipperStars[0]);
        if (booked.Count + delivered.Count == 0)
        {
            Shortfall("no shipment was booked from the day's awards and matches (is the shipments service running?)");
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        foreach (var shipment in booked)
        {
            var id = shipment["id"]!.ToString();
            var shipper = Short(shipment["shipper"]!.GetValue<string>());
            var legs = shipment["legs"]!.AsArray().Select(l => l!).ToList();
            var start = now.AddHours(-2 * legs.Count - 1);
            for (var i = 0; i < legs.Count; i++)
            {
                var carrier = Short(legs[i]["carrier"]!.GetValue<string>());
                var reportsArrival = carrier == "caspian-forwarding" || i == legs.Count - 1;
                var events = new List<object>
                {
                    new { eventId = $"{id[..8]}-{i}-dep", type = "DEPA", classifier = "ACT", location = legs[i]["from"]!.GetValue<string>(), eventDateTime = start.AddHours(2 * i) },
                };
                if (reportsArrival && i < legs.Count - 1)
                    events.Add(new { eventId = $"{id[..8]}-{i}-arr", type = "ARRI", classifier = "ACT", location = legs[i]["to"]!.GetValue<string>(), eventDateTime = start.AddHours(2 * i + 1) });
                if (i > 0 && carrier != "caspian-forwarding") continue; // a later rail carrier reports nothing
                await gateway.Post(tokens[carrier], $"/api/shipments/{id}/events", new { events });
            }
            await gateway.Post(tokens[shipper], $"/api/shipments/{id}/delivery", new { deliveredAt = now, note = "Received in Tashkent, seals intact" });
            await Rate(shipment, ShipperStars[n++ % ShipperStars.Length]);
        }
    }

    /// <summary>The shipper rates each carrier of a delivered shipment, each carrier the shipper.</summary>
    private async Task Rate(JsonNode shipment, int stars)
    {
        var id = shipment["id"]!.ToString();
        var shipper = Short(shipment["shipper"]!.GetValue<string>());
        var carriers = shipment["legs"]!.AsArray().Select(l => Short(l!["carrier"]!.GetValue<string>())).Distinct().ToList();
        foreach (var carrier in carriers)
        {
            var worse = carrier == "china-rail-express" ? 3 : stars;
            await gateway.Create(tokens[shipper], $"/api/shipments/{id}/rating",
                new { stars = worse, carrier = Org(carrier), comment = worse < 4 ? "No arrival reported at the border" : null });
            await gateway.Create(tokens[carrier], $"/api/shipments/{id}/rating", new { stars = 5 });
        }
        Say($"  shipment {id} ({shipment["origin"]} -> {shipment["destination"]}, {string.Join(" + ", carriers)}): delivered, rated {stars} stars by {Org(shipper)}");
    }

    /// <summary>The organisation name without the run's suffix.</summary>
    private string Short(string org) => org.EndsWith($"-{run}", StringComparison.Ordinal) ? org[..^(run.Length + 1)] : org;

    private async Task PrintTrust(string carrier)
    {
        var trust = await gateway.Get(tokens["tianjin-foods"], $"/api/organisations/{Org(carrier)}/trust");
        Say($"  {Org(carrier)}: score {trust?["score"]} from {trust?["shipments"]} delivered shipment(s), " +
            $"on time {trust?["onTimeShare"]?.ToString() ?? "-"}, {trust?["ratings"]?["count"]} rating(s), mean {trust?["ratings"]?["mean"]?.ToString() ?? "-"}");
        foreach (var component in trust?["components"]?.AsArray() ?? [])
            Say($"    {component!["name"],-11} weight {component["weight"],-5} value {component["value"]}");
        foreach (var line in trust?["explanation"]?.AsArray() ?? [])
            Say($"    - {line}");
    }

    private async Task MinimumTrust()
    {
        var caspian = (await gateway.Get(tokens["tianjin-foods"], $"/api/organisations/{Org("caspian-forwarding")}/trust"))?["score"]?.GetValue<int>() ?? 0;
        // A carrier without a delivered shipment scores 60 (docs/trust.md): the minimum sits just above it.
        var minimum = Math.Max(Math.Min(caspian, 70), 61);
        var cargo = (await gateway.Create(tokens["tianjin-foods"], "/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Date(5), deliverBy = Date(40),
            containers = new { count = 1, type = "40HC" }, weightKg = 14_000, hsCode = "200819", description = "Dried apricots",
            hazardous = false, minTrustScore = minimum,
        }))!["id"]!.GetValue<string>();
        Say($"  {Org("tianjin-foods")} posts cargo {cargo} for carriers with a trust score of at least {minimum}");
        try
        {
            await gateway.Create(tokens["silk-road-trucking"], $"/api/cargo-offers/{cargo}/bids", new
            {
                price = new { amount = 3_900, currency = "USD" }, transitDays = 11, validUntil = Date(10),
            });
            Shortfall($"{Org("silk-road-trucking")} (no record) could bid on an offer requiring {minimum}");
        }
        catch (ApiException e) when (e.Message.Contains(" 403 ", StringComparison.Ordinal))
        {
            Say($"  {Org("silk-road-trucking")} (no delivered shipment yet) is refused: 403");
        }
        // Listings learns the score from TrustScoreChanged through the broker: it may take a moment.
        JsonNode? bid = null;
        for (var attempt = 0; attempt < (caspian >= minimum ? 20 : 1) && bid is null; attempt++)
        {
            try
            {
                bid = await gateway.Create(tokens["caspian-forwarding"], $"/api/cargo-offers/{cargo}/bids", new
                {
                    price = new { amount = 4_050, currency = "USD" }, transitDays = 13, validUntil = Date(10),
                });
            }
            catch (ApiException e) when (e.Message.Contains(" 403 ", StringComparison.Ordinal))
            {
                await Task.Delay(500);
            }
        }
        if (bid is null && caspian >= minimum)
            Shortfall($"{Org("caspian-forwarding")} with score {caspian} could not bid on an offer requiring {minimum}");
        else if (bid is null) Say($"  {Org("caspian-forwarding")} (score {caspian}) is refused too: its record is below {minimum}");
        else Say($"  {Org("caspian-forwarding")} bids; the shipper sees its trust score {bid["carrierTrustScore"]} beside the bid");
    }

    private async Task PrintCorridorPerformance()
    {
        var groups = (await gateway.Get(tokens["tianjin-trade-office"], "/api/corridors/performance?origin=CNTSN&destination=UZTAS"))
            ?.AsArray().OfType<JsonNode>().ToList() ?? [];
        if (groups.Count == 0)
        {
            Shortfall("the trade office sees no corridor performance for CNTSN -> UZTAS (groups of fewer than 3 shipments are withheld)");
            return;
        }
        foreach (var g in groups)
            Say($"  {g["corridor"]}: {g["shipments"]} shipments, {g["delivered"]} delivered, on time {g["onTimeShare"]}, " +
                $"transit days p50 {g["transitDaysP50"]} / p90 {g["transitDaysP90"]}, border dwell h p50 {g["borderDwellHoursP50"]}");
    }

    // ------------------------------------------------------------------ output

    private void Step(string title)
    {
        Say("");
        Say($"{++step}. {title}");
    }

    private void Shortfall(string what)
    {
        shortfalls.Add(what);
        Console.WriteLine($"  ! {what}");
    }

    private static void Say(string line) => Console.WriteLine(line);
}
