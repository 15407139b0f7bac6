using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace TradeHub.Hosting.Auth;

/// <summary>Section Auth: a real OIDC issuer (Authority, Audience) and/or the local dev issuer.</summary>
public sealed class AuthOptions
{
    public string? Authority { get; set; }
    public string Audience { get; set; } = "tradehub";
    public DevIssuerOptions DevIssuer { get; set; } = new();
}

public sealed class DevIssuerOptions
{
    public const string IssuerName = "tradehub-dev";
    /// <summary>Off unless configured on (local runs and tests).</summary>
    public bool Enabled { get; set; }
    /// <summary>HMAC key shared by the gateway and the services; the default is for local runs only.</summary>
    public string SigningKey { get; set; } = "tradehub-local-development-signing-key-not-for-production";
    public int LifetimeMinutes { get; set; } = 480;
}

public static class TokenAuth
{
    /// <summary>JWT bearer validation for every service; each service checks role and ownership itself.</summary>
    public static IHostApplicationBuilder AddTokenAuth(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = false;
            if (!string.IsNullOrEmpty(options.Authority)) o.Authority = options.Authority;
            o.Audience = options.Audience;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = "sub",
                RoleClaimType = "role",
                ValidAudience = options.Audience,
                ClockSkew = TimeSpan.FromSeconds(30),
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
            .SetFallbackPolicy(null);
        return builder;
    }

    internal static SymmetricSecurityKey DevKey(DevIssuerOptions options) =>
        new(Encoding.UTF8.GetBytes(options.SigningKey.PadRight(32, '.')));

    /// <summary>Issues a token from the dev issuer (only ever called when it is enabled).</summary>
    public static string IssueDevToken(AuthOptions options, string organisation, string role, string? subject = null,
        DateTime? expires = null)
    {
        var handler = new JwtSecurityTokenHandler();
        var now = DateTime.UtcNow;
        var token = handler.CreateJwtSecurityToken(
            issuer: DevIssuerOptions.IssuerName,
            audience: options.Audience,
            subject: new ClaimsIdentity([
                new Claim("sub", subject ?? $"{organisation}-user"),
                new Claim("org", organisation),
                new Claim("role", role),
            ]),
            notBefore: expires is { } e && e < now ? e.AddMinutes(-10) : now,
            expires: expires ?? now.AddMinutes(options.DevIssuer.LifetimeMinutes),
            issuedAt: expires is { } e2 && e2 < now ? e2.AddMinutes(-10) : now,
            signingCredentials: new SigningCredentials(DevKey(options.DevIssuer), SecurityAlgorithms.HmacSha256));
        return handler.WriteToken(token);
    }
}
