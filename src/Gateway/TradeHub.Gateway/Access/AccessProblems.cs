using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Access;

/// <summary>
/// 401 and 403 answers (written by the status code pages as problem documents) say why: a client that sent an
/// expired token should learn that rather than guess.
/// </summary>
public static class AccessProblems
{
    private const string DetailKey = "TradeHub.Gateway.AuthFailure";

    public static WebApplicationBuilder AddAccessProblems(this WebApplicationBuilder builder)
    {
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.Events ??= new JwtBearerEvents();
            var inner = o.Events.OnChallenge;
            o.Events.OnChallenge = async context =>
            {
                await inner(context);
                context.HttpContext.Items[DetailKey] = Describe(context.AuthenticateFailure, context.Request);
            };
        });
        builder.Services.PostConfigure<ProblemDetailsOptions>(o =>
        {
            var inner = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                inner?.Invoke(context);
                if (context.ProblemDetails.Detail is not null) return;
                context.ProblemDetails.Detail = context.ProblemDetails.Status switch
                {
                    401 => context.HttpContext.Items[DetailKey] as string ?? "A valid bearer token is required.",
                    403 => $"The role '{Caller.From(context.HttpContext.User).Role}' may not do this.",
                    _ => null,
                };
            };
        });
        return builder;
    }

    internal static string Describe(Exception? failure, HttpRequest request) => failure switch
    {
        null when string.IsNullOrEmpty(request.Headers.Authorization) =>
            "No token was sent: send 'Authorization: Bearer <token>'.",
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidLifetimeException => "The token is valid for longer than this system accepts.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            "The token's signature does not match its content.",
        _ => "The token is not valid.",
    };
}
