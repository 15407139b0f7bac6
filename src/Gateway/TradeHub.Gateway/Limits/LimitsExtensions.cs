using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace TradeHub.Gateway.Limits;

/// <summary>
/// Section RateLimiting: token buckets per user (the token's issuer and sub), per client address and for the whole
/// gateway instance; a request must find room in each. Minting dev tokens has its own, small, per-address bucket,
/// so fresh tokens are no way around the others.
/// </summary>
public sealed class RateLimitingOptions
{
    /// <summary>Per user. Generous by default so tests and load runs do not trip it; operators tighten it per deployment.</summary>
    public int PermitsPerSecond { get; set; } = 200;
    public int Burst { get; set; } = 400;
    /// <summary>Per client address (an IPv6 client's /64), signed in or not.</summary>
    public int AddressPermitsPerSecond { get; set; } = 400;
    public int AddressBurst { get; set; } = 800;
    /// <summary>All callers of this gateway instance together.</summary>
    public int GlobalPermitsPerSecond { get; set; } = 2000;
    public int GlobalBurst { get; set; } = 4000;
    /// <summary>POST /api/dev/tokens per client address.</summary>
    public int DevTokensPerMinute { get; set; } = 30;
}

/// <summary>
/// Section ForwardedHeaders: the proxies (addresses) and networks (CIDR) whose X-Forwarded-For and
/// X-Forwarded-Proto are believed. None by default: then the client address is the connection's peer.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public string[] KnownProxies { get; set; } = [];
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>Section Limits: what a request may carry.</summary>
public sealed class RequestLimitsOptions
{
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}

public static class LimitsExtensions
{
    private const string TooManyType = "https://tools.ietf.org/html/rfc6585#section-4";

    public const string DevTokensPolicy = "dev-tokens";

    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        var rate = builder.Configuration.GetSection("RateLimiting").Get<RateLimitingOptions>() ?? new();
        var limits = builder.Configuration.GetSection("Limits").Get<RequestLimitsOptions>() ?? new();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        var proxies = builder.Configuration.GetSection("ForwardedHeaders").Get<ForwardedHeadersSettings>() ?? new();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured ones: the framework's default trusts loopback.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        builder.Services.AddSingleton(proxies);

        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                ApiLimiter(http => "address:" + ClientAddress(http), rate.AddressBurst, rate.AddressPermitsPerSecond),
                ApiLimiter(UserKey, rate.Burst, rate.PermitsPerSecond),
                ApiLimiter(_ => "all", rate.GlobalBurst, rate.GlobalPermitsPerSecond));
            o.AddPolicy(DevTokensPolicy, http => RateLimitPartition.GetTokenBucketLimiter(ClientAddress(http),
                _ => Bucket(rate.DevTokensPerMinute, rate.DevTokensPerMinute, TimeSpan.FromMinutes(1))));
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

    /// <summary>
    /// First in the pipeline: the client address behind the configured proxies. With none configured the
    /// middleware stays out, since with empty lists it would believe every peer.
    /// </summary>
    public static WebApplication UseClientAddress(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<ForwardedHeadersSettings>();
        if (proxies.KnownProxies.Length > 0 || proxies.KnownNetworks.Length > 0) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>Limits run after authentication, so a valid token's user picks the user bucket.</summary>
    public static WebApplication UseLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(CheckBody);
        return app;
    }

    /// <summary>A token bucket per key over /api (null key: this tier does not apply).</summary>
    private static PartitionedRateLimiter<HttpContext> ApiLimiter(Func<HttpContext, string?> key, int burst, int perSecond) =>
        PartitionedRateLimiter.Create<HttpContext, string>(http =>
            http.Request.Path.StartsWithSegments("/api") && key(http) is { } k
                ? RateLimitPartition.GetTokenBucketLimiter(k, _ => Bucket(burst, perSecond, TimeSpan.FromSeconds(1)))
                : RateLimitPartition.GetNoLimiter(""));

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perPeriod),
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>The token's user; anonymous callers have only their address bucket.</summary>
    private static string? UserKey(HttpContext http) =>
        http.User.FindFirstValue("sub") is { Length: > 0 } sub
            ? $"user:{http.User.FindFirstValue("iss")}|{sub}"
            : null;

    /// <summary>The peer (or, behind a known proxy, the forwarded client); an IPv6 client by its /64, which one host can fill.</summary>
    internal static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

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
