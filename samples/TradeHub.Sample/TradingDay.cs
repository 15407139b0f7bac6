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

        Step("Three more Tianjin SMEs send a container each to Tashkent; a forwarder bids, each shipper awards");
        await SmallShipmentsToTashkent();

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

        Step("What the Tianjin trade office sees: GET /api/flows?groupBy=corridor");
        await PrintFlows();

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
    private async Task SmallShipmentsToTashkent()
    {
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
        foreach (var sme in shippers)
        {
            var list = await gateway.Poll(tokens[sme], "/api/shipments?status=booked", a => Items(a).Any(), TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, 20)));
            booked.AddRange(Items(list).Where(x => booked.All(b => b["id"]!.ToString() != x["id"]!.ToString())));
        }
        if (booked.Count == 0)
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
            var stars = ShipperStars[n++ % ShipperStars.Length];
            foreach (var carrier in legs.Select(l => Short(l["carrier"]!.GetValue<string>())).Distinct())
            {
                var worse = carrier == "china-rail-express" ? 3 : stars;
                await gateway.Create(tokens[shipper], $"/api/shipments/{id}/rating",
                    new { stars = worse, carrier = Org(carrier), comment = worse < 4 ? "No arrival reported at the border" : null });
                await gateway.Create(tokens[carrier], $"/api/shipments/{id}/rating", new { stars = 5 });
            }
            Say($"  shipment {id} ({shipment["origin"]} -> {shipment["destination"]}, {string.Join(" + ", legs.Select(l => Short(l["carrier"]!.GetValue<string>())).Distinct())}): delivered, rated {stars} stars by {Org(shipper)}");
        }
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
        var minimum = Math.Min(caspian, 70);
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
        for (var attempt = 0; attempt < 20 && bid is null; attempt++)
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
        if (bid is null) Shortfall($"{Org("caspian-forwarding")} with score {caspian} could not bid on an offer requiring {minimum}");
        else Say($"  {Org("caspian-forwarding")} bids; the shipper sees its trust score {bid["carrierTrustScore"]} beside the bid");
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
