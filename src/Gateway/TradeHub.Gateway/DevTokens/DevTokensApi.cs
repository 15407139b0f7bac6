using FluentValidation;
using TradeHub.Gateway.Limits;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;

namespace TradeHub.Gateway.DevTokens;

/// <summary>Asks the dev issuer for a token of an organisation and role.</summary>
public sealed record DevTokenRequest(string? Organisation, string? Role);

/// <summary>A bearer token for the Authorization header.</summary>
public sealed record DevToken(string Token);

public sealed class DevTokenRequestValidator : AbstractValidator<DevTokenRequest>
{
    public DevTokenRequestValidator()
    {
        RuleFor(r => r.Organisation).NotEmpty().MaximumLength(100)
            .Matches("^[a-z0-9._-]+$")
            .WithMessage("'organisation' may hold only lower-case letters, digits, '-', '_' and '.'.");
        RuleFor(r => r.Role).NotEmpty()
            .Must(role => Roles.All.Contains(role!))
            .WithMessage($"'role' must be one of {string.Join(", ", Roles.All)}.");
    }
}

public static class DevTokensApi
{
    /// <summary>
    /// POST /api/dev/tokens exists only while Auth:DevIssuer:Enabled is true; otherwise it is a 404. A few per
    /// minute per client address (RateLimiting:DevTokensPerMinute).
    /// </summary>
    public static WebApplication MapDevTokensApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<AuthOptions>().DevIssuer.Enabled) return app;
        app.MapPost("/api/dev/tokens", (DevTokenRequest request, AuthOptions options) =>
                TypedResults.Ok(new DevToken(TokenAuth.IssueDevToken(options, request.Organisation!, request.Role!))))
            .Validate<DevTokenRequest>()
            .AllowAnonymous()
            .RequireRateLimiting(LimitsExtensions.DevTokensPolicy)
            .WithTags("Dev")
            .WithName("issueDevToken")
            .WithSummary("Issues a token from the local dev issuer (local runs and tests only).");
        return app;
    }
}
