using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace TradeHub.Hosting.Auth;

/// <summary>Section Auth: a real OIDC issuer (Authority, Audience) and/or the local dev issuer.</summary>
public sealed class AuthOptions
{
    public string? Authority { get; set; }
    public string Audience { get; set; } = "tradehub";
    /// <summary>
    /// Signature algorithms a token may use. The OIDC provider's are asymmetric; the dev issuer's HS256 is added
    /// only while the dev issuer is on, so a token can never pick its own algorithm. Empty means RS256 (the
    /// configuration binder appends to a non-empty default rather than replacing it).
    /// </summary>
    public string[] ValidAlgorithms { get; set; } = [];

    internal string[] ProviderAlgorithms => ValidAlgorithms.Length > 0 ? ValidAlgorithms : [SecurityAlgorithms.RsaSha256];
    /// <summary>No token is accepted, or minted by the dev issuer, that is valid for longer than this from now.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(8);
    public DevIssuerOptions DevIssuer { get; set; } = new();
}

public sealed class DevIssuerOptions
{
    public const string IssuerName = "tradehub-dev";
    /// <summary>Public (it is in the source): accepted only in the Development environment.</summary>
    public const string DevelopmentSigningKey = "tradehub-local-development-signing-key-not-for-production";
    public const int MinimumKeyBytes = 32;
    /// <summary>Off unless configured on (local runs and tests).</summary>
    public bool Enabled { get; set; }
    /// <summary>
    /// The dev issuer hands any caller any role, so outside Development it refuses to start unless this is set.
    /// Only local scripts (deploy/local/up.sh) and test rigs set it; a shared deployment never should.
    /// </summary>
    public bool AllowOutsideDevelopment { get; set; }
    /// <summary>HMAC key shared by the gateway and the services: at least 32 random bytes (as UTF-8), never padded.</summary>
    public string SigningKey { get; set; } = DevelopmentSigningKey;
    public int LifetimeMinutes { get; set; } = 480;
}

public static class TokenAuth
{
    public const string DevIssuerAlgorithm = SecurityAlgorithms.HmacSha256;

    /// <summary>JWT bearer validation for every service; each service checks role and ownership itself.</summary>
    public static IHostApplicationBuilder AddTokenAuth(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var development = builder.Environment.IsDevelopment();
        Check(options, builder.Environment.EnvironmentName, development);
        builder.Services.AddSingleton(options);
        if (options.DevIssuer.Enabled && !development) builder.Services.AddHostedService<DevIssuerWarning>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            // Metadata (and so the signing keys) of a real provider come only over HTTPS outside Development.
            o.RequireHttpsMetadata = !development;
            if (!string.IsNullOrEmpty(options.Authority)) o.Authority = options.Authority;
            o.Audience = options.Audience;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = "sub",
                RoleClaimType = "role",
                ValidAudience = options.Audience,
                ClockSkew = TimeSpan.FromSeconds(30),
                RequireExpirationTime = true,
                ValidAlgorithms = options.DevIssuer.Enabled
                    ? [.. options.ProviderAlgorithms, DevIssuerAlgorithm]
                    : options.ProviderAlgorithms,
                LifetimeValidator = (notBefore, expires, _, parameters) =>
                    ValidateLifetime(notBefore, expires, parameters.ClockSkew, options.MaxTokenLifetime),
            };
            if (options.DevIssuer.Enabled)
            {
                o.TokenValidationParameters.ValidIssuers = string.IsNullOrEmpty(options.Authority)
                    ? [DevIssuerOptions.IssuerName]
                    : [DevIssuerOptions.IssuerName, options.Authority];
                o.TokenValidationParameters.IssuerSigningKey = DevKey(options.DevIssuer);
            }
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Sme, p => p.RequireClaim("role", Roles.Sme))
            .AddPolicy(Roles.Carrier, p => p.RequireClaim("role", Roles.Carrier))
            .AddPolicy(Roles.Admin, p => p.RequireClaim("role", Roles.Admin))
            .AddPolicy("flows", p => p.RequireClaim("role", Roles.TradeOffice, Roles.Admin))
            .AddPolicy(Policies.TradeOffices, p => p.RequireClaim("role", Roles.TradeOffice, Roles.Admin))
            .SetFallbackPolicy(null);
        return builder;
    }

    /// <summary>
    /// Refuses to start with settings that let strangers in: the dev issuer outside Development (unless a local
    /// system says so), a public or short key, a plain-HTTP provider. Each message names the setting to change.
    /// </summary>
    internal static void Check(AuthOptions options, string environment, bool development)
    {
        if (!development && !string.IsNullOrEmpty(options.Authority)
            && !options.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"Auth:Authority '{options.Authority}' is not HTTPS; outside Development the OIDC provider's " +
                "metadata and keys are fetched only over HTTPS.");
        if (options.MaxTokenLifetime <= TimeSpan.Zero)
            throw new InvalidOperationException("Auth:MaxTokenLifetime must be positive.");
        if (options.ValidAlgorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
                                             || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException(
                "Auth:ValidAlgorithms may name only asymmetric algorithms (e.g. RS256, ES256) for the OIDC provider.");
        var dev = options.DevIssuer;
        if (!dev.Enabled) return;
        if (!development && !dev.AllowOutsideDevelopment)
            throw new InvalidOperationException(
                $"Auth:DevIssuer:Enabled is true in the '{environment}' environment. The dev issuer gives anyone a " +
                "token for any organisation and role (admin included). Turn it off and set Auth:Authority to your " +
                "OIDC provider; only a local system on this machine may set Auth:DevIssuer:AllowOutsideDevelopment=true.");
        if (!development && dev.SigningKey == DevIssuerOptions.DevelopmentSigningKey)
            throw new InvalidOperationException(
                "Auth:DevIssuer:SigningKey is not set: the built-in key is public and serves only the Development " +
                $"environment. Set a key of at least {DevIssuerOptions.MinimumKeyBytes} random bytes " +
                "(e.g. `head -c 32 /dev/urandom | base64`), the same for the gateway and every service.");
        var bytes = Encoding.UTF8.GetBytes(dev.SigningKey ?? "");
        if (bytes.Length < DevIssuerOptions.MinimumKeyBytes || bytes.Distinct().Count() < 8)
            throw new InvalidOperationException(
                $"Auth:DevIssuer:SigningKey must be at least {DevIssuerOptions.MinimumKeyBytes} random bytes " +
                $"(it has {bytes.Length}, {bytes.Distinct().Count()} distinct); short keys are not padded. " +
                "Generate one with e.g. `head -c 32 /dev/urandom | base64`.");
        if (dev.LifetimeMinutes <= 0 || TimeSpan.FromMinutes(dev.LifetimeMinutes) > options.MaxTokenLifetime)
            throw new InvalidOperationException(
                $"Auth:DevIssuer:LifetimeMinutes ({dev.LifetimeMinutes}) must be positive and at most " +
                $"Auth:MaxTokenLifetime ({options.MaxTokenLifetime}).");
    }

    /// <summary>The usual expiry checks, plus: a token valid for longer than the maximum from now is refused.</summary>
    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew, TimeSpan max)
    {
        var now = DateTime.UtcNow;
        if (expires is not { } exp)
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        if (notBefore is { } nbf && nbf > now + skew)
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        if (exp < now - skew)
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        if (exp > now + max + skew)
            throw new SecurityTokenInvalidLifetimeException(
                $"The token is valid for longer than the {max} this system accepts.") { Expires = exp, NotBefore = notBefore };
        return true;
    }

    internal static SymmetricSecurityKey DevKey(DevIssuerOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    /// <summary>Issues a token from the dev issuer (only ever called when it is enabled).</summary>
    public static string IssueDevToken(AuthOptions options, string organisation, string role, string? subject = null,
        DateTime? expires = null)
    {
        var handler = new JwtSecurityTokenHandler();
        var now = DateTime.UtcNow;
        var lifetime = TimeSpan.FromMinutes(options.DevIssuer.LifetimeMinutes);
        if (lifetime > options.MaxTokenLifetime) lifetime = options.MaxTokenLifetime;
        var token = handler.CreateJwtSecurityToken(
            issuer: DevIssuerOptions.IssuerName,
            audience: options.Audience,
            subject: new ClaimsIdentity([
                new Claim("sub", subject ?? $"{organisation}-user"),
                new Claim("org", organisation),
                new Claim("role", role),
            ]),
            notBefore: expires is { } e && e < now ? e.AddMinutes(-10) : now,
            expires: expires ?? now + lifetime,
            issuedAt: expires is { } e2 && e2 < now ? e2.AddMinutes(-10) : now,
            signingCredentials: new SigningCredentials(DevKey(options.DevIssuer), DevIssuerAlgorithm));
        return handler.WriteToken(token);
    }
}

/// <summary>Says at every start, in the log, that a dev issuer runs outside Development (a local system only).</summary>
internal sealed class DevIssuerWarning(ILogger<DevIssuerWarning> log, IHostEnvironment environment) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        log.LogWarning("The dev issuer is ON in the '{Environment}' environment " +
                       "(Auth:DevIssuer:AllowOutsideDevelopment): anyone who reaches POST /api/dev/tokens gets any " +
                       "role. This must be a local system.", environment.EnvironmentName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
