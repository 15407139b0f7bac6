using System.Globalization;
using TradeHub.Shipments.Common;

namespace TradeHub.Shipments.Trust;

/// <summary>One leg of a shipment as the score reads it: who carried it, when it was planned and what actually happened.</summary>
public sealed record TrustLeg(
    string Carrier, DateTimeOffset PlannedDeparture, DateTimeOffset PlannedArrival, DateTimeOffset? ActualDeparture,
    DateTimeOffset? ActualArrival);

/// <summary>A shipment as the score reads it.</summary>
public sealed record TrustShipment(
    Guid Id, string Shipper, IReadOnlyList<string> Carriers, string Status, DateTimeOffset BookedAt,
    DateTimeOffset? DeliveredAt, IReadOnlyList<TrustLeg> Legs);

/// <summary>One party's stars for another on a shipment.</summary>
public sealed record TrustRating(Guid ShipmentId, string Rater, string Ratee, int Stars);

public sealed record TrustComponent(string Name, double Weight, double Value);

public sealed record RatingSummary(int Count, double? Mean);

/// <summary>An organisation's trust score with its components and a plain explanation.</summary>
public sealed record TrustReport(
    string Org, int Score, int Shipments, double? OnTimeShare, RatingSummary Ratings,
    IReadOnlyList<TrustComponent> Components, IReadOnlyList<string> Explanation);

/// <summary>
/// The trust score (0-100) of an organisation from its shipments delivered on TradeHub and the ratings the other side
/// gave it; the formula is published in docs/trust.md, and every constant here is named there.
/// <para>
/// Each ended shipment (delivered or cancelled) where the organisation is on exactly one side has a weight: a decay
/// that halves every <see cref="HalfLifeDays"/> days before the organisation's latest ended shipment, times a
/// counterpart factor that scales one counterpart's shipments down so that together they weigh at most
/// <see cref="CounterpartCap"/>. The reference time is the latest shipment, not the clock, so the score changes only
/// when a delivery or rating does, and is a function of the stored rows alone.
/// </para>
/// </summary>
public static class TrustScore
{
    public const double HalfLifeDays = 180;
    /// <summary>The most one counterpart's shipments (and the ratings on them) can weigh together.</summary>
    public const double CounterpartCap = 3;
    /// <summary>A leg or hand-over this much after its plan still counts as on time.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromHours(2);

    public const double OnTimeWeight = 0.40;
    public const double RatingsWeight = 0.30;
    public const double CompletionWeight = 0.15;
    public const double ExperienceWeight = 0.15;

    /// <summary>Priors: as if the organisation already had this many observations at this value.</summary>
    public const double OnTimePrior = 0.7, OnTimePriorWeight = 3;
    public const double CompletionPrior = 0.9, CompletionPriorWeight = 3;
    public const double RatingPrior = 3.5, RatingPriorWeight = 10;
    /// <summary>Effective shipments at which experience reaches one half.</summary>
    public const double ExperienceHalf = 10;

    public static TrustReport Compute(string org, IEnumerable<TrustShipment> shipments, IEnumerable<TrustRating> ratings)
    {
        // A shipment where the organisation is on both sides says nothing about how it treats others.
        var ended = shipments
            .Where(s => s.Status is ShipmentStatus.Delivered or ShipmentStatus.Cancelled)
            .Where(s => (s.Shipper == org) != s.Carriers.Contains(org))
            .ToList();
        var weights = Weigh(org, ended);
        var delivered = ended.Where(s => s.Status == ShipmentStatus.Delivered).ToList();

        var onTime = OnTime(org, delivered, weights);
        var completion = Prior(ended.Sum(s => weights[s.Id] * (s.Status == ShipmentStatus.Delivered ? 1 : 0)), ended.Sum(s => weights[s.Id]),
            CompletionPrior, CompletionPriorWeight);

        var byId = delivered.ToDictionary(s => s.Id);
        var received = ratings.Where(r => r.Ratee == org && r.Rater != org && byId.ContainsKey(r.ShipmentId)).ToList();
        // Two carriers rating one shipper on one shipment share that shipment's weight.
        var perShipment = received.GroupBy(r => r.ShipmentId).ToDictionary(g => g.Key, g => g.Count());
        var ratingWeight = received.Sum(r => weights[r.ShipmentId] / perShipment[r.ShipmentId]);
        var ratingStars = received.Sum(r => weights[r.ShipmentId] / perShipment[r.ShipmentId] * r.Stars);
        var ratingMean = (ratingStars + RatingPrior * RatingPriorWeight) / (ratingWeight + RatingPriorWeight);
        var ratingValue = (ratingMean - 1) / 4;

        var effective = delivered.Sum(s => weights[s.Id]);
        var experience = 1 - Math.Pow(2, -effective / ExperienceHalf);

        TrustComponent[] components =
        [
            new("onTime", OnTimeWeight, Round(onTime.Value)),
            new("ratings", RatingsWeight, Round(ratingValue)),
            new("completion", CompletionWeight, Round(completion)),
            new("experience", ExperienceWeight, Round(experience)),
        ];
        var total = OnTimeWeight * onTime.Value + RatingsWeight * ratingValue + CompletionWeight * completion
            + ExperienceWeight * experience;
        var score = (int)Math.Round(100 * Math.Clamp(total, 0, 1), MidpointRounding.AwayFromZero);

        var plainMean = received.Count == 0 ? (double?)null : Math.Round(received.Average(r => r.Stars), 2);
        var counterparts = delivered.Select(s => Counterpart(org, s)).Distinct().Count();
        var explanation = new List<string>();
        if (ended.Count == 0)
            explanation.Add("No shipments delivered on TradeHub yet: the score is the prior alone.");
        else
            explanation.Add(F($"{Counted(delivered.Count, "delivered shipment")} with {Counted(counterparts, "counterpart")}; a shipment's weight halves every {HalfLifeDays} days and one counterpart's shipments weigh at most {CounterpartCap} together ({Counted(effective, "effective shipment")})."));
        explanation.Add(onTime.Items == 0
            ? F($"On time: no actual events yet, so the prior of {OnTimePrior:P0} stands.")
            : F($"On time: {onTime.OnTime} of {Counted(onTime.Items, onTime.PerLeg ? "leg" : "hand-over")} {(onTime.PerLeg ? "arrived" : "departed")} within {Grace.TotalHours} h of plan by their actual events ({onTime.Value:P0} after weights and prior)."));
        explanation.Add(F($"Ratings: {received.Count} from the other side{(plainMean is { } m ? F($", mean {m:0.0#} stars") : "")}; with a prior of {RatingPriorWeight} ratings at {RatingPrior} stars that is {ratingMean:0.00} stars."));
        var cancelled = ended.Count - delivered.Count;
        explanation.Add(F($"Completion: {delivered.Count} of {Counted(ended.Count, "ended shipment")} delivered, {cancelled} cancelled."));
        explanation.Add(F($"Experience: {experience:P0} from {Counted(effective, "effective shipment")} (one half at {ExperienceHalf})."));
        explanation.Add(F($"Score = 100 x ({OnTimeWeight} on time + {RatingsWeight} ratings + {CompletionWeight} completion + {ExperienceWeight} experience) = {score}."));

        return new TrustReport(org, score, delivered.Count,
            onTime.Items == 0 ? null : Math.Round((double)onTime.OnTime / onTime.Items, 4),
            new RatingSummary(received.Count, plainMean), components, explanation);
    }

    /// <summary>The other side of a shipment for the organisation: its shipper, or (for a shipper) its set of carriers.</summary>
    public static string Counterpart(string org, TrustShipment s) =>
        s.Shipper == org ? string.Join('+', s.Carriers.Distinct().Order(StringComparer.Ordinal)) : s.Shipper;

    /// <summary>Decay times counterpart factor, per shipment.</summary>
    private static Dictionary<Guid, double> Weigh(string org, List<TrustShipment> ended)
    {
        if (ended.Count == 0) return [];
        var reference = ended.Max(At);
        var decay = ended.ToDictionary(s => s.Id, s => Math.Pow(0.5, (reference - At(s)).TotalDays / HalfLifeDays));
        var factor = ended.GroupBy(s => Counterpart(org, s)).ToDictionary(g => g.Key, g =>
        {
            var sum = g.Sum(s => decay[s.Id]);
            return sum <= CounterpartCap ? 1 : CounterpartCap / sum;
        });
        return ended.ToDictionary(s => s.Id, s => decay[s.Id] * factor[Counterpart(org, s)]);
    }

    private static DateTimeOffset At(TrustShipment s) => s.DeliveredAt ?? s.BookedAt;

    private sealed record OnTimeShare(double Value, int OnTime, int Items, bool PerLeg);

    /// <summary>
    /// A carrier is judged per leg it ran: on time when the leg's actual arrival (or the next leg's actual departure) is
    /// within the grace of its plan, moved back by the lateness the leg before handed over (by that leg's actual arrival;
    /// a carrier's own late departure excuses nothing); a leg with no actual
    /// arrival is not on time. A shipper is judged by its hand-over: the first leg's actual departure within the grace
    /// of plan (no actual departure: no evidence either way). Legs of one shipment share the shipment's weight.
    /// </summary>
    private static OnTimeShare OnTime(string org, List<TrustShipment> delivered, Dictionary<Guid, double> weights)
    {
        double hits = 0, total = 0;
        int onTime = 0, items = 0;
        var perLeg = false;
        foreach (var s in delivered)
        {
            if (s.Shipper == org)
            {
                if (s.Legs.Count == 0 || s.Legs[0].ActualDeparture is not { } departed) continue;
                var ok = departed <= s.Legs[0].PlannedDeparture + Grace;
                Count(ok, weights[s.Id]);
                continue;
            }
            perLeg = true;
            var mine = Enumerable.Range(0, s.Legs.Count).Where(i => s.Legs[i].Carrier == org).ToList();
            foreach (var i in mine) Count(LegOnTime(s.Legs, i), weights[s.Id] / mine.Count);
        }
        return new OnTimeShare(Prior(hits, total, OnTimePrior, OnTimePriorWeight), onTime, items, perLeg);

        void Count(bool ok, double weight)
        {
            items++;
            total += weight;
            if (!ok) return;
            onTime++;
            hits += weight;
        }
    }

    public static bool LegOnTime(IReadOnlyList<TrustLeg> legs, int i)
    {
        var leg = legs[i];
        var arrived = leg.ActualArrival ?? (i + 1 < legs.Count ? legs[i + 1].ActualDeparture : null);
        if (arrived is null) return false;
        var handedOver = TimeSpan.Zero;
        if (i > 0 && legs[i - 1].ActualArrival is { } ready && ready > leg.PlannedDeparture)
            handedOver = ready - leg.PlannedDeparture;
        return arrived <= leg.PlannedArrival + handedOver + Grace;
    }

    private static double Prior(double hits, double total, double prior, double priorWeight) =>
        (hits + prior * priorWeight) / (total + priorWeight);

    private static double Round(double value) => Math.Round(value, 4);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>"1 counterpart", "3 counterparts": a count with its noun in the right number.</summary>
    private static string Counted(int count, string noun) => count == 1 ? $"1 {noun}" : F($"{count} {noun}s");

    /// <summary>A weighted count as the explanation prints it (one decimal); "1 effective shipment" only when it reads 1.</summary>
    private static string Counted(double count, string noun)
    {
        var text = F($"{count:0.#}");
        return text == "1" ? $"1 {noun}" : $"{text} {noun}s";
    }
}
