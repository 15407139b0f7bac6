using System.Security.Claims;

namespace TradeHub.Hosting.Auth;

/// <summary>Roles of the platform, as carried in the token's role claim.</summary>
public static class Roles
{
    public const string Sme = "sme";
    public const string Carrier = "carrier";
    public const string TradeOffice = "trade_office";
    public const string Admin = "admin";
    public static readonly IReadOnlyList<string> All = [Sme, Carrier, TradeOffice, Admin];
}

/// <summary>Authorization policies that admit more than one role (each role is also a policy of its own name).</summary>
public static class Policies
{
    /// <summary>Trade offices and operators (role trade_office or admin): the platform-wide trade figures.</summary>
    public const string TradeOffices = "trade-offices";
}

/// <summary>Who is calling: user, organisation and role from the validated token.</summary>
public sealed record Caller(string Subject, string Org, string Role)
{
    public bool Is(string role) => Role == role;

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue("sub") ?? "",
        user.FindFirstValue("org") ?? "",
        user.FindFirstValue("role") ?? "");
}
