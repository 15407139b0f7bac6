using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace TradeHub.Gateway.Limits;

/// <summary>Section RateLimiting: a token bucket per organisation (per client IP before sign-in).</summary>
public sealed class RateLimitingOptions
{
    /// <summary>Generous by default so tests and load runs do not trip it; operators tighten it per deployment.</summary>
    public int PermitsPerSecond { get; set; } = 200;
    public int Burst { get; set; } = 400;
}

/// <summary>Section Limits: what a request may carry.</summary>
public sealed class RequestLimitsOptions
{
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}

public static class LimitsExtensions
{
    private const string TooManyType = "https://tools.ietf.org/html/rfc6585#section-4";

    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        var rate = builder.Configuration.GetSection("RateLimiting").Get<RateLimitingOptions>() ?? new();
        var limits = builder.Configuration.GetSection("Limits").Get<RequestLimitsOptions>() ?? new();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);

        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                !http.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(1, rate.Burst),
                        TokensPerPeriod = Math.Max(1, rate.PermitsPerSecond),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            o.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problem.Write(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    "Too many requests; slow down and retry after the time in Retry-After.", type: TooManyType);
            };
        });
        return builder;
    }

    /// <summary>Limits run after authentication, so the organisation of a valid token picks the bucket.</summary>
    public static WebApplication UseLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(CheckBody);
        return app;
    }

    private static string PartitionKey(HttpContext http) =>
        http.User.FindFirstValue("org") is { Length: > 0 } org
            ? "org:" + org
            : "ip:" + http.Connection.RemoteIpAddress;

    /// <summary>
    /// Refuses non-JSON bodies before they are forwarded to a service. Oversized ones were refused earlier, before
    /// authentication, by the body limit every TradeHub process has (ServiceDefaults, from Kestrel's limit set above).
    /// </summary>
    private static async Task CheckBody(HttpContext http, Func<Task> next)
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api") && HasBody(request) && !IsJson(request.ContentType))
        {
            await Problem.Write(http, StatusCodes.Status415UnsupportedMediaType,
                "The request body must be JSON (Content-Type: application/json).");
            return;
        }
        await next();
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    internal static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
