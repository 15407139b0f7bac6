using TradeHub.Hosting.Auth;

namespace TradeHub.Gateway.Security;

/// <summary>
/// Headers that keep browsers from misusing what the gateway serves: no MIME sniffing, no framing (clickjacking),
/// no referrer leaving the site, and a content security policy per kind of response. The dashboard runs only its
/// own files (no inline script or style), so its policy allows 'self' alone, plus the OIDC provider it signs in
/// with; the API reference page (Scalar) needs inline script and style; API answers are data and get 'none'.
/// </summary>
public static class SecurityHeaders
{
    internal const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    internal static string DashboardPolicy(string? authority) =>
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        $"connect-src 'self'{Origin(authority)}; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    internal const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    /// <summary>First in the pipeline, so static files, proxied answers and error pages all carry the headers.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var dashboard = DashboardPolicy(app.Services.GetRequiredService<AuthOptions>().Authority);
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                var path = http.Request.Path;
                headers.ContentSecurityPolicy =
                    path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi")
                    || path.StartsWithSegments("/services") || path.StartsWithSegments("/health") ? ApiPolicy
                    : path.StartsWithSegments("/docs") ? DocsPolicy
                    : dashboard;
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    private static string Origin(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) ? " " + uri.GetLeftPart(UriPartial.Authority) : "";
}
