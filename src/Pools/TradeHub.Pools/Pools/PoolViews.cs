using System.Text.Json.Serialization;
using TradeHub.Pools.Packing;

namespace TradeHub.Pools.Pools;

public sealed record MoneyView(decimal Amount, string Currency);

/// <summary>How full the train is: containers (full plus shared), their share of the maximum, the cargo's weight.</summary>
public sealed record PoolFill(int Containers, int FullContainers, int SharedContainers, decimal ShareOfMax, decimal CargoKg, int Members);

/// <summary>
/// A pool. Anyone sees the totals; the operator also sees every member and the packing plan; a member sees only its
/// own memberships (never another member's).
/// </summary>
public sealed record PoolView(
    Guid Id, string Operator, string From, string To, DateOnly DepartureDate, DateTime Cutoff, int MinContainers,
    int MaxContainers, string ContainerType, MoneyView PricePerContainerAtMin, MoneyView PricePerContainerAtMax,
    bool AcceptsHazardous, string Status, PoolFill Fill, MoneyView PricePerContainer, DateTime CreatedAt)
{
    /// <summary>The operator's and members' view: the caller's members (all of them for the operator).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MemberView>? Members { get; init; }

    /// <summary>The operator's view: the shared containers and who is in each.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PackingPlanView? Plan { get; init; }
}

/// <summary>A member's part of one shared container.</summary>
public sealed record ShareView(int Container, decimal Share, string Binding);

/// <summary>
/// A member: full containers of its own and shares of shared ones; its price is its containers (full plus shares)
/// at the pool's price per container.
/// </summary>
public sealed record MemberView(
    Guid Id, string Org, Guid? CargoOfferId, int FullContainers, decimal SharedContainers, IReadOnlyList<ShareView> Shares,
    decimal WeightKg, decimal? VolumeM3, string? HsCode, string? Description, bool Hazardous, MoneyView Price, DateTime JoinedAt);

public sealed record PlanMemberView(Guid MemberId, decimal Share);

public sealed record PlanContainerView(int Number, string Binding, decimal WeightKg, decimal VolumeM3, IReadOnlyList<PlanMemberView> Members);

/// <summary>The packing plan of the loose cargo with its bounds: optimal when it uses the proven bound's containers.</summary>
public sealed record PackingPlanView(
    IReadOnlyList<PlanContainerView> Containers, int LowerBound, int ProvenBound, bool Optimal, int FirstFitDecreasing, string Method);

/// <summary>The answer to a join: the new member's id and the pool as that member now sees it.</summary>
public sealed record Joined(Guid Id, Guid PoolId, MemberView Member, PoolView Pool);

internal static class PoolViews
{
    public static PoolView Public(PoolRow p) => new(
        p.Id, p.OperatorOrg, p.Origin, p.Destination, p.DepartureDate, p.Cutoff, p.MinContainers, p.MaxContainers,
        p.ContainerType, new MoneyView(p.PriceAtMin, p.Currency), new MoneyView(p.PriceAtMax, p.Currency), p.AcceptsHazardous,
        p.Status, new PoolFill(p.Containers, p.FullContainers, p.SharedContainers,
            p.MaxContainers == 0 ? 0 : Math.Round((decimal)p.Containers / p.MaxContainers, 4), p.CargoKg, p.MemberCount),
        new MoneyView(p.CurrentPrice, p.Currency), p.CreatedAt);

    /// <summary>Each member's shares of the shared boxes of the stored plan.</summary>
    public static Dictionary<Guid, List<ContainerShare>> Shares(StoredPlan plan, IReadOnlyCollection<MemberRow> members)
    {
        var loose = members.Where(m => m.Loose).ToDictionary(m => m.Id, m => (m.Id, m.WeightKg, m.VolumeM3 ?? 0m));
        var packing = new PackingPlan(
            plan.Containers.Where(c => c.Members.All(loose.ContainsKey))
                .Select(c => new PackedContainer(c.Number, c.Members, c.WeightKg, c.VolumeM3) { Binding = c.Binding }).ToArray(),
            plan.LowerBound, plan.ProvenBound, plan.FirstFitDecreasing, plan.Method, TimeSpan.Zero);
        return PoolPricing.Shares(packing, loose);
    }

    public static MemberView Member(MemberRow m, IReadOnlyList<ContainerShare> shares, PoolRow pool)
    {
        var shared = shares.Sum(s => s.Share);
        return new MemberView(m.Id, m.Org, m.CargoOfferId, m.Containers, shared,
            shares.Select(s => new ShareView(s.Container, s.Share, s.Binding)).ToArray(), m.WeightKg, m.VolumeM3, m.HsCode,
            m.Description, m.Hazardous, new MoneyView(Math.Round((m.Containers + shared) * pool.CurrentPrice, 2), pool.Currency), m.JoinedAt);
    }

    /// <summary>The pool as <paramref name="org"/> may see it: all for its operator, its own members for a member.</summary>
    public static PoolView For(PoolRow pool, IReadOnlyCollection<MemberRow> members, string org)
    {
        var view = Public(pool);
        var isOperator = pool.OperatorOrg == org;
        var visible = isOperator ? members : members.Where(m => m.Org == org).ToArray();
        if (!isOperator && visible.Count == 0) return view;
        var plan = StoredPlan.Read(pool.Plan);
        var shares = Shares(plan, members);
        view = view with
        {
            Members = visible.Select(m => Member(m, shares.GetValueOrDefault(m.Id) ?? [], pool)).ToArray(),
        };
        if (!isOperator) return view;
        var byContainer = shares.SelectMany(s => s.Value.Select(c => (Member: s.Key, c.Container, c.Share)))
            .ToLookup(x => x.Container);
        return view with
        {
            Plan = new PackingPlanView(
                plan.Containers.Select(c => new PlanContainerView(c.Number, c.Binding, c.WeightKg, c.VolumeM3,
                    byContainer[c.Number].Select(x => new PlanMemberView(x.Member, x.Share)).ToArray())).ToArray(),
                plan.LowerBound, plan.ProvenBound, plan.Containers.Count == plan.ProvenBound, plan.FirstFitDecreasing, plan.Method),
        };
    }
}
