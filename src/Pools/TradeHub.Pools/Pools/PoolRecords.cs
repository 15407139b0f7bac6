using System.Text.Json;
using Dapper;
using Npgsql;
using TradeHub.Pools.Packing;

namespace TradeHub.Pools.Pools;

/// <summary>A pool as stored.</summary>
internal sealed class PoolRow
{
    public Guid Id { get; init; }
    public string OperatorOrg { get; init; } = "";
    public string Origin { get; init; } = "";
    public string Destination { get; init; } = "";
    public DateOnly DepartureDate { get; init; }
    public DateTime Cutoff { get; init; }
    public int MinContainers { get; init; }
    public int MaxContainers { get; init; }
    public string ContainerType { get; init; } = "";
    public decimal PriceAtMin { get; init; }
    public decimal PriceAtMax { get; init; }
    public string Currency { get; init; } = "";
    public bool AcceptsHazardous { get; init; }
    public string Status { get; init; } = "";
    public int FullContainers { get; init; }
    public int SharedContainers { get; init; }
    public decimal CargoKg { get; init; }
    public int MemberCount { get; init; }
    public string Plan { get; init; } = "";
    public decimal? PricePerContainer { get; init; }
    public DateTime CreatedAt { get; init; }

    public int Containers => FullContainers + SharedContainers;

    /// <summary>The settled price once the pool ran; the price at the current fill while it is open.</summary>
    public decimal CurrentPrice => PricePerContainer ?? PriceAt(Containers);

    public decimal PriceAt(int containers) =>
        PoolPricing.PricePerContainer(containers, MinContainers, MaxContainers, PriceAtMin, PriceAtMax);
}

/// <summary>A member as stored.</summary>
internal sealed class MemberRow
{
    public Guid Id { get; init; }
    public Guid PoolId { get; init; }
    public string Org { get; init; } = "";
    public Guid? CargoOfferId { get; init; }
    public int Containers { get; init; }
    public decimal WeightKg { get; init; }
    public decimal? VolumeM3 { get; init; }
    public string? HsCode { get; init; }
    public string? Description { get; init; }
    public bool Hazardous { get; init; }
    public DateTime JoinedAt { get; init; }

    public bool Loose => CargoOfferId is null;
}

/// <summary>The stored packing plan: shared boxes and the members (loose consignments) in each.</summary>
public sealed record StoredPlan(IReadOnlyList<StoredContainer> Containers, int LowerBound, int ProvenBound, int FirstFitDecreasing, string Method)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static StoredPlan From(PackingPlan plan) => new(
        plan.Containers.Select(c => new StoredContainer(c.Number, c.Binding, c.WeightKg, c.VolumeM3, c.Consignments)).ToArray(),
        plan.LowerBound, plan.ProvenBound, plan.FirstFitDecreasing, plan.Method);

    public static StoredPlan Read(string json) =>
        JsonSerializer.Deserialize<StoredPlan>(json, Json) is { Containers: not null } plan ? plan : new StoredPlan([], 0, 0, 0, "none");

    public string Write() => JsonSerializer.Serialize(this, Json);
}

public sealed record StoredContainer(int Number, string Binding, decimal WeightKg, decimal VolumeM3, IReadOnlyList<Guid> Members);

internal static class PoolSql
{
    public const string Columns = """
        id AS Id, operator_org AS OperatorOrg, origin AS Origin, destination AS Destination, departure_date AS DepartureDate,
        cutoff AS Cutoff, min_containers AS MinContainers, max_containers AS MaxContainers, container_type AS ContainerType,
        price_at_min AS PriceAtMin, price_at_max AS PriceAtMax, currency AS Currency, accepts_hazardous AS AcceptsHazardous,
        status AS Status, full_containers AS FullContainers, shared_containers AS SharedContainers, cargo_kg AS CargoKg,
        member_count AS MemberCount, plan::text AS Plan, price_per_container AS PricePerContainer, created_at AS CreatedAt
        """;

    public const string MemberColumns = """
        id AS Id, pool_id AS PoolId, org AS Org, cargo_offer_id AS CargoOfferId, containers AS Containers,
        weight_kg AS WeightKg, volume_m3 AS VolumeM3, hs_code AS HsCode, description AS Description,
        hazardous AS Hazardous, joined_at AS JoinedAt
        """;

    public const string ByIdSql = $"SELECT {Columns} FROM pools WHERE id = @Id";
    public const string LockSql = $"SELECT {Columns} FROM pools WHERE id = @Id FOR UPDATE";
    public const string MembersSql = $"SELECT {MemberColumns} FROM pool_members WHERE pool_id = @Id ORDER BY id";

    /// <summary>The fill and plan after a join or leave (or the final plan at the cut-off).</summary>
    public const string RefillSql = """
        UPDATE pools SET full_containers = @Full, shared_containers = @Shared, cargo_kg = @CargoKg,
            member_count = @Members, plan = CAST(@Plan AS jsonb)
        WHERE id = @Id
        """;

    public static Task<PoolRow?> Lock(NpgsqlConnection c, NpgsqlTransaction tx, Guid id) =>
        c.QuerySingleOrDefaultAsync<PoolRow>(LockSql, new { Id = id }, tx);

    public static async Task<List<MemberRow>> Members(NpgsqlConnection c, NpgsqlTransaction? tx, Guid id) =>
        (await c.QueryAsync<MemberRow>(MembersSql, new { Id = id }, tx)).AsList();

    /// <summary>Packs the loose members into shared boxes of the pool's type.</summary>
    public static PackingPlan Pack(Packer packer, PoolRow pool, IEnumerable<MemberRow> members, TimeSpan? limit = null) =>
        packer.Pack(members.Where(m => m.Loose).Select(m => new Consignment(m.Id, m.WeightKg, m.VolumeM3 ?? 0m)).ToArray(),
            pool.ContainerType, limit);

    public static Task Refill(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, IReadOnlyCollection<MemberRow> members, PackingPlan plan) =>
        c.ExecuteAsync(RefillSql, new
        {
            Id = id,
            Full = members.Sum(m => m.Containers),
            Shared = plan.Containers.Count,
            CargoKg = members.Sum(m => m.WeightKg),
            Members = members.Count,
            Plan = StoredPlan.From(plan).Write(),
        }, tx);
}
