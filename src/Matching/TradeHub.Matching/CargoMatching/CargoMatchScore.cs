using System.Globalization;

namespace TradeHub.Matching.CargoMatching;

/// <summary>
/// Scores a chain in 0..1: prompt departures (30 %), few hand-overs (20 %), price against the shipper's target (30 %)
/// and time to spare before deliver-by (20 %); every part says in a sentence why it scored as it did. The target is the
/// shipper's secret: the carriers' view scores the price part as neutral and says nothing of the target.
/// </summary>
public static class CargoMatchScore
{
    /// <summary>The score alone, without building sentences: the chain search ranks every chain it finds by it.</summary>
    public static double Score(CapacityChain chain) => Score(chain, withTarget: true);

    private static double Score(CapacityChain chain, bool withTarget)
    {
        var cargo = chain.Cargo;
        var segments = chain.Segments;
        var waits = 0;
        decimal price = 0;
        var currency = segments[0].Capacity.Currency;
        var oneCurrency = true;
        foreach (var s in segments)
        {
            waits += s.WaitDays;
            price += s.Capacity.PricePerContainer;
            oneCurrency &= s.Capacity.Currency == currency;
        }
        price *= cargo.Containers;
        var timing = Math.Max(0, 1 - waits / (3.0 * segments.Count + 1));
        var spare = cargo.DeliverBy.DayNumber - chain.Arrives.DayNumber;
        var margin = Math.Min(1, 0.5 + spare / 4.0);
        var simplicity = 1.0 / segments.Count;
        var priceScore = 0.5;
        if (withTarget && oneCurrency && cargo.TargetPrice is > 0 && string.Equals(cargo.TargetCurrency, currency, StringComparison.OrdinalIgnoreCase))
        {
            var ratio = (double)(price / cargo.TargetPrice.Value);
            priceScore = ratio <= 1 ? 1 : Math.Max(0, 1 - (ratio - 1) * 2);
        }
        var score = 0.3 * timing + 0.2 * simplicity + 0.3 * priceScore + 0.2 * margin;
        return Math.Round(Math.Clamp(score, 0, 1), 3);
    }

    /// <summary>The score and the sentences that explain it.</summary>
    public static CargoMatch Of(CapacityChain chain)
    {
        var cargo = chain.Cargo;
        var segments = chain.Segments;
        var legCount = chain.Route.Legs.Count;
        var carriedLegs = segments.Sum(s => s.LastLeg - s.FirstLeg + 1);
        var carriers = segments.Select(s => s.Capacity.CarrierOrg).Distinct().Count();
        var explanation = new List<string>
        {
            $"covers {carriedLegs + chain.BridgedLegs.Count} of {Plural(legCount, "leg")}" +
            (segments.Count == 1 ? " with one carrier" : $" with {segments.Count} capacity offers from {Plural(carriers, "carrier")}"),
        };
        if (segments.Any(s => s.Capacity.ReservedFor == cargo.OwnerOrg))
            explanation.Add("uses capacity a tender awarded to the shipper");
        foreach (var index in chain.BridgedLegs)
        {
            var leg = chain.Route.Legs[index];
            var what = leg.BorderCrossing && leg.GaugeChange ? "border crossing and gauge change"
                : leg.BorderCrossing ? "border crossing" : "gauge change";
            explanation.Add($"changes carrier at the {what} {leg.From} -> {leg.To}");
        }

        var firstWait = segments[0].Departs.DayNumber - cargo.ReadyDate.DayNumber;
        explanation.Add(firstWait == 0 ? "departs on the ready date" : $"departs {Plural(firstWait, "day")} after ready date");
        var connectionWaits = segments.Skip(1).Sum(s => s.WaitDays);
        if (connectionWaits > 0) explanation.Add($"waits {Plural(connectionWaits, "day")} for connections");

        var spare = cargo.DeliverBy.DayNumber - chain.Arrives.DayNumber;
        explanation.Add(spare == 0 ? "arrives on the deliver-by date" : $"arrives {Plural(spare, "day")} before deliver-by");

        var currencies = segments.Select(s => s.Capacity.Currency).Distinct().ToList();
        decimal? price = currencies.Count == 1 ? segments.Sum(s => s.Capacity.PricePerContainer) * cargo.Containers : null;
        var ownerNotes = new List<string>();
        if (price is null)
            explanation.Add("carriers quote in different currencies");
        else
        {
            explanation.Add(string.Create(CultureInfo.InvariantCulture, $"price {price:0.##} {currencies[0]}"));
            if (cargo.TargetPrice is > 0 && string.Equals(cargo.TargetCurrency, currencies[0], StringComparison.OrdinalIgnoreCase))
            {
                var ratio = (double)(price.Value / cargo.TargetPrice.Value);
                var percent = (int)Math.Round(Math.Abs(1 - ratio) * 100);
                ownerNotes.Add(ratio <= 1
                    ? percent == 0 ? "price meets your target" : $"price {percent} % under your target"
                    : $"price {percent} % over your target");
            }
            else ownerNotes.Add("no target price to compare");
        }

        return new CargoMatch(chain, Score(chain, withTarget: false), explanation, price, price is null ? null : currencies[0],
            Score(chain), ownerNotes);
    }

    internal static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
