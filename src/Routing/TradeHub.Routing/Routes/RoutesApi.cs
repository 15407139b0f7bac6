using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Routing.CargoOffers;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

public sealed record RouteLegView(string LegId, string From, string To, string Mode, double DistanceKm, double Hours, decimal CostUsd,
    double Co2Kg, bool BorderCrossing, bool InternalBorder, bool GaugeChange);

public sealed record RouteView(string Id, IReadOnlyList<RouteLegView> Legs, double TotalHours, double TotalDistanceKm, decimal CostUsd,
    double Co2Kg, int BorderCrossings, int InternalBorderCrossings, int GaugeChanges, double TerminalHours)
{
    public static RouteView From(RouteOption r) => new(r.RouteId,
        r.Legs.Select(l => new RouteLegView(l.LegId, l.From, l.To, l.Mode, l.DistanceKm, l.Hours, l.CostUsd, l.Co2Kg,
            l.BorderCrossing, l.InternalBorder, l.GaugeChange)).ToList(),
        r.TotalHours, r.TotalDistanceKm, r.CostUsd, r.Co2Kg, r.BorderCrossings, r.InternalBorderCrossings, r.GaugeChanges, r.TerminalHours);
}

/// <summary>
/// exact / epsilon as api.md says (epsilon is always proven). labelEpsilon appears only when the heuristic fast path
/// for long queries on large networks produced the routes: the per-node pruning it used, a setting and not a
/// guarantee (docs/routing.md).
/// </summary>
public sealed record RoutesAnswer(IReadOnlyList<RouteView> Routes, bool Exact, double Epsilon,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    double? LabelEpsilon = null);

public sealed record CargoRoutesAnswer(string Status, long Version, IReadOnlyList<RouteView> Routes);

public static class RoutesApi
{
    public const int MaxRoutes = 20;
    public const int MaxContainers = 500;

    public static IEndpointRouteBuilder MapRoutesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/routes", Query).WithTags("Routes").RequireAuthorization()
            .WithName("queryRoutes").WithSummary("Finds Pareto-optimal routes between two nodes for an objective.");
        app.MapGet("/api/cargo-offers/{id:guid}/routes", ForCargoOffer).WithTags("Routes").RequireAuthorization()
            .WithName("getCargoOfferRoutes").WithSummary("The route options computed for a cargo offer (pending until ready).");
        return app;
    }

    /// <summary>Query parameters arrive as text so every bad one is answered with its own field name.</summary>
    private static async Task<Results<Ok<RoutesAnswer>, ValidationProblem, ProblemHttpResult>> Query(
        string? from, string? to, string? containers, string? type, string? readyDate, string? objective, string? max,
        string? avoid, string? modes, NetworkState state, CancellationToken ct)
    {
        var snapshot = await state.Get(ct);
        if (!TryRead(snapshot, from, to, containers, type, readyDate, objective, max, avoid, modes, out var request, out var errors))
            return TypedResults.ValidationProblem(errors, title: "The route query has invalid parameters.");
        var plan = RoutePlanner.Plan(snapshot, request);
        if (!plan.Found)
            return TypedResults.Problem(statusCode: 404, title: "No route", detail: $"No route from {request.From} to {request.To}: {plan.Reason}.");
        return TypedResults.Ok(new RoutesAnswer(plan.Routes.Select(RouteView.From).ToList(), plan.Exact, plan.Epsilon, plan.LabelEpsilon));
    }

    internal static bool TryRead(NetworkSnapshot snapshot, string? from, string? to, string? containers, string? type, string? readyDate,
        string? objective, string? max, string? avoid, string? modes, out RouteRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var g = snapshot.Graph;
        if (string.IsNullOrWhiteSpace(from)) errors["from"] = ["'from' is required."];
        else if (!g.TryGetNode(from, out _)) errors["from"] = [$"'{from}' is not a network node."];
        if (string.IsNullOrWhiteSpace(to)) errors["to"] = ["'to' is required."];
        else if (!g.TryGetNode(to, out _)) errors["to"] = [$"'{to}' is not a network node."];
        else if (string.Equals(from?.Trim(), to.Trim(), StringComparison.OrdinalIgnoreCase)) errors["to"] = ["'to' must differ from 'from'."];

        var count = 1;
        if (containers is not null && (!int.TryParse(containers, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxContainers))
            errors["containers"] = [$"'containers' must be a whole number from 1 to {MaxContainers}."];
        var containerType = ContainerType.Parse(type ?? "40GP");
        if (containerType is null)
            errors["type"] = [$"'type' must be one of {string.Join(", ", ContainerType.All.Select(t => t.Code))}."];
        DateOnly? ready = null;
        if (readyDate is not null)
        {
            if (DateOnly.TryParseExact(readyDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) ready = d;
            else errors["readyDate"] = ["'readyDate' must be a date like 2026-12-01."];
        }
        var goal = Objective.Balanced;
        if (objective is not null && (int.TryParse(objective, out _) || !Enum.TryParse(objective, ignoreCase: true, out goal) || !Enum.IsDefined(goal)))
            errors["objective"] = ["'objective' must be fastest, cheapest, greenest or balanced."];
        var take = 5;
        if (max is not null && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxRoutes))
            errors["max"] = [$"'max' must be a whole number from 1 to {MaxRoutes}."];
        var avoided = new List<string>();
        foreach (var id in (avoid ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!g.TryGetNode(id, out var n)) { errors["avoid"] = [$"'{id}' is not a network node."]; break; }
            if (string.Equals(id, from?.Trim(), StringComparison.OrdinalIgnoreCase) || string.Equals(id, to?.Trim(), StringComparison.OrdinalIgnoreCase))
            { errors["avoid"] = ["'avoid' must not hold the origin or the destination."]; break; }
            avoided.Add(g.NodeIds[n]);
        }
        var allowed = LegMode.None;
        foreach (var m in (modes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!LegModes.TryParse(m, out var one)) { errors["modes"] = ["'modes' must list rail, road, sea or ferry, comma-separated."]; break; }
            allowed |= one;
        }
        request = new RouteRequest
        {
            From = from?.Trim().ToUpperInvariant() ?? "",
            To = to?.Trim().ToUpperInvariant() ?? "",
            Shipment = new Shipment(count, containerType ?? ContainerType.Parse("40GP")!),
            ReadyDate = ready,
            Objective = goal,
            Max = take,
            Avoid = avoided,
            Modes = allowed == LegMode.None ? LegMode.All : allowed,
        };
        return errors.Count == 0;
    }

    /// <summary>
    /// The stored routes of a cargo offer: pending until Routing has handled its CargoOfferPosted. The owner's
    /// organisation, carriers (they bid on routes) and admins may read them; others get 404.
    /// </summary>
    private static async Task<Results<Ok<CargoRoutesAnswer>, ProblemHttpResult>> ForCargoOffer(
        Guid id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await CargoRouting.Stored(connection, id);
        if (stored is null || (stored.Status == "open" && stored.Version == 0))
            return TypedResults.Ok(new CargoRoutesAnswer("pending", 0, []));
        var mayRead = caller.Org == stored.OwnerOrg || caller.Is(Roles.Carrier) || caller.Is(Roles.Admin);
        if (!mayRead || stored.Status == "closed")
            return TypedResults.Problem(statusCode: 404, title: "No such cargo offer", detail: $"No open cargo offer {id} is routed for you.");
        var routes = JsonSerializer.Deserialize<List<RouteOption>>(stored.Routes, CargoRouting.Json) ?? [];
        return TypedResults.Ok(new CargoRoutesAnswer("ready", stored.Version, routes.Select(RouteView.From).ToList()));
    }
}
