namespace TradeHub.Pools.Packing;

/// <summary>A member's part of one shared container: the fraction of its binding dimension the member's cargo takes.</summary>
public sealed record ContainerShare(int Container, decimal Share, string Binding);

/// <summary>The pool's price rules: the price per container falls with the fill; a shared box is split by what binds it.</summary>
public static class PoolPricing
{
    /// <summary>
    /// The price per container with <paramref name="containers"/> on the train: the price at the minimum up to the
    /// minimum, the price at the maximum from the maximum on, a straight line between.
    /// </summary>
    public static decimal PricePerContainer(int containers, int minContainers, int maxContainers, decimal atMin, decimal atMax)
    {
        if (containers <= minContainers || maxContainers <= minContainers) return containers >= maxContainers ? atMax : atMin;
        if (containers >= maxContainers) return atMax;
        var along = (decimal)(containers - minContainers) / (maxContainers - minContainers);
        return Math.Round(atMin + (atMax - atMin) * along, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Each owner's shares of the shared containers: a box fuller by weight is split by weight, one fuller by volume by
    /// volume, so the shares of a box add up to the whole box.
    /// </summary>
    public static Dictionary<TOwner, List<ContainerShare>> Shares<TOwner>(
        PackingPlan plan, IReadOnlyDictionary<Guid, (TOwner Owner, decimal WeightKg, decimal VolumeM3)> consignments)
        where TOwner : notnull
    {
        var shares = new Dictionary<TOwner, List<ContainerShare>>();
        foreach (var box in plan.Containers)
        {
            var total = box.Binding == "weight" ? box.Consignments.Sum(c => consignments[c].WeightKg) : box.Consignments.Sum(c => consignments[c].VolumeM3);
            foreach (var group in box.Consignments.GroupBy(c => consignments[c].Owner))
            {
                var part = box.Binding == "weight" ? group.Sum(c => consignments[c].WeightKg) : group.Sum(c => consignments[c].VolumeM3);
                if (!shares.TryGetValue(group.Key, out var list)) shares[group.Key] = list = [];
                list.Add(new ContainerShare(box.Number, total == 0 ? 0 : Math.Round(part / total, 4), box.Binding));
            }
        }
        return shares;
    }
}
