namespace TradeHub.Routing.Network;

/// <summary>
/// How a leg of the corridor data becomes hours, USD and kg CO2 for one 40' dry container (FEU), and how a
/// shipment's container count and type scale that. Every figure here is an assumption calibrated against
/// samples/corridors/facts.md; docs/routing.md shows the calibration checks.
/// </summary>
public static class CostModel
{
    // ---- Time ------------------------------------------------------------------------------------------
    /// <summary>
    /// Transshipment allowance on a leg that changes gauge (1435/1520): at least this many hours of dwell. Where the
    /// data's border_dwell is larger (Brest-Malaszewicze 8.5-72 h, midpoint 40 h, already counts the wait for a
    /// reload slot) the data stands; where it only counts the crane time (Khorgos 1 h, Erenhot 1.1 h, Dostyk 4.25 h)
    /// the wait for a slot and the train re-formation bring it to 8 h (Dostyk 55-train queue in 2024).
    /// </summary>
    public const double GaugeChangeMinimumDwellHours = 8;

    /// <summary>Extra hours at a customs border (EAEU or EU external border, other borders): document checks, queues.</summary>
    public const double CustomsBorderAllowanceHours = 8;

    /// <summary>
    /// Terminal dwell at origin and destination (train assembly, gate-in, collection). The corridor data does not
    /// model it, so raw sums run fast: Tianjin-Tashkent sums to ~7 days against 10-14 reported. 24 h at origin plus
    /// 12 h at destination brings it to ~9.5 days (the scheduled Tianjin-Central Asia train runs ~10 days, 2025).
    /// It is the same for every route of a query, so it never changes which routes are Pareto-optimal.
    /// </summary>
    public const double TerminalAllowanceHours = 24 + 12;

    /// <summary>Sea legs without a published distance (Shanghai-Chabahar, Shanghai-Nhava Sheva): hours at 16 kn.</summary>
    public const double SeaSpeedKmh = 16 * 1.852;

    // ---- Cost, USD per FEU -----------------------------------------------------------------------------
    // Per container-km rates where the data has no rate for the leg. Rail is calibrated so that the leg sum
    // Chongqing-Duisburg (10,459 km, 2 gauge changes, 2 customs borders) gives ~5,900 USD against the
    // 5,800 USD/FEU through rate of Jan 2025 (5,250 in Mar 2025), and the Dostyk-Brest 1520 section gives
    // ~2,800 USD against ERAI 3,289 USD/FEU (Jul 2024) and the World Bank's 2,599-3,121 for the Northern corridor.
    public const double RailUsdPerFeuKm = 0.52;
    /// <summary>Long-haul trucking in Central Asia/China, ~1.6 USD per truck-km (one FEU per truck).</summary>
    public const double RoadUsdPerFeuKm = 1.6;
    /// <summary>
    /// Deep-sea liner rate where no rate is given: Shanghai-Rotterdam 2,463-3,274 USD over 19,631 km is 0.13-0.17;
    /// 0.15 is used (the Suez leg itself carries its own 2025 rate).
    /// </summary>
    public const double SeaUsdPerFeuKm = 0.15;
    /// <summary>
    /// Caspian and Black Sea ferries are dear: the Middle Corridor "can increase cost by 1.5 times"; a Kuryk-Iran
    /// truck ferry costs 1,600-1,700 USD one way. 2.5 USD/FEU-km puts Aktau-Alat at ~1,200 USD.
    /// </summary>
    public const double FerryUsdPerFeuKm = 2.5;
    /// <summary>Transshipment between gauges (crane lift from one wagon set to the other), per FEU.</summary>
    public const double GaugeChangeUsdPerFeu = 150;
    /// <summary>Customs clearance and transit documents at a customs border, per FEU.</summary>
    public const double CustomsBorderUsdPerFeu = 100;

    // ---- CO2, kg CO2e per TEU-km (well-to-wheel), after the GLEC Framework v3 default intensities and
    // EcoTransIT World (ecotransit.org methodology) at an average load of 10 t per TEU:
    //   rail (electric/diesel mix, container train)   ~15 g/tkm  -> 0.15 kg/TEU-km
    //   road (articulated truck 34-40 t, long haul)   ~62 g/tkm  -> 0.62 kg/TEU-km
    //   sea (deep-sea container ship, Clean Cargo)     ~6 g/tkm  -> 0.06 kg/TEU-km
    //   ferry (Ro-Ro / rail ferry, short sea)          ~40 g/tkm -> 0.40 kg/TEU-km
    public const double RailCo2KgPerTeuKm = 0.15;
    public const double RoadCo2KgPerTeuKm = 0.62;
    public const double SeaCo2KgPerTeuKm = 0.06;
    public const double FerryCo2KgPerTeuKm = 0.40;

    public static double UsdPerFeuKm(LegMode mode) => mode switch
    {
        LegMode.Rail => RailUsdPerFeuKm,
        LegMode.Road => RoadUsdPerFeuKm,
        LegMode.Sea => SeaUsdPerFeuKm,
        _ => FerryUsdPerFeuKm,
    };

    /// <summary>kg CO2e for one FEU (2 TEU) per km.</summary>
    public static double Co2KgPerFeuKm(LegMode mode) => 2 * mode switch
    {
        LegMode.Rail => RailCo2KgPerTeuKm,
        LegMode.Road => RoadCo2KgPerTeuKm,
        LegMode.Sea => SeaCo2KgPerTeuKm,
        _ => FerryCo2KgPerTeuKm,
    };
}

/// <summary>
/// A shipment's containers. Cost and CO2 of every leg are the FEU figures times one factor per shipment, so the
/// Pareto set does not depend on count or type: the engine searches in FEU units and the answer is scaled.
/// </summary>
public readonly record struct Shipment(int Containers, ContainerType Type)
{
    public double CostFactor => Containers * Type.CostFactor;
    public double Co2Factor => Containers * Type.Co2Factor;
    public static readonly Shipment OneFeu = new(1, ContainerType.Parse("40GP")!);
}

/// <summary>
/// Container types relative to a 40' dry box: a 20' costs ~60% of a 40' on rail and sea tariffs and emits as one
/// TEU (half); a high cube adds 5%; reefers add ~60% (power, genset, special wagons) and ~15% CO2 for the
/// refrigeration unit (an assumption: GLEC gives no single reefer factor).
/// </summary>
public sealed record ContainerType(string Code, double CostFactor, double Co2Factor)
{
    public static readonly IReadOnlyList<ContainerType> All =
    [
        new("20GP", 0.60, 0.50),
        new("40GP", 1.00, 1.00),
        new("40HC", 1.05, 1.00),
        new("20RF", 0.95, 0.575),
        new("40RF", 1.60, 1.15),
    ];

    public static ContainerType? Parse(string? code) =>
        All.FirstOrDefault(t => string.Equals(t.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));
}
