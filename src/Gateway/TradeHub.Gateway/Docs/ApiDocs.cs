using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Yarp.ReverseProxy.Transforms;
using TradeHub.Gateway.Health;

namespace TradeHub.Gateway.Docs;

/// <summary>
/// The public API's one OpenAPI document: the gateway's own operations plus the paths and schemas of the three
/// services' documents, fetched server-side and cached briefly. A service that is away leaves its part out
/// for a few seconds rather than failing the whole document.
/// </summary>
public sealed class ApiDocument(
    [FromKeyedServices("v1")] IOpenApiDocumentProvider gateway,
    IHttpClientFactory clients, ServiceDirectory services, TimeProvider clock, ILogger<ApiDocument> log) : IDisposable
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FreshWhenPartial = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Json, DateTimeOffset Until)? _cached;

    public void Dispose() => _gate.Dispose();

    public async Task<string> Get(CancellationToken ct)
    {
        if (_cached is { } hit && hit.Until > clock.GetUtcNow()) return hit.Json;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && again.Until > clock.GetUtcNow()) return again.Json;
            var (json, complete) = await Build(ct);
            _cached = (json, clock.GetUtcNow() + (complete ? Fresh : FreshWhenPartial));
            return json;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(string Json, bool Complete)> Build(CancellationToken ct)
    {
        var own = await (await gateway.GetOpenApiDocumentAsync(ct)).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct);
        var merged = JsonNode.Parse(own)!.AsObject();
        merged["info"] = new JsonObject
        {
            ["title"] = "TradeHub API",
            ["version"] = "v1",
            ["description"] = "The public API of TradeHub, served by its gateway. Authenticate with " +
                              "'Authorization: Bearer <JWT>'; errors are RFC 7807 problem documents.",
        };
        merged["servers"] = new JsonArray(new JsonObject { ["url"] = "/" });
        var paths = Object(merged, "paths");
        var components = Object(merged, "components");
        var schemas = Object(components, "schemas");
        Object(components, "securitySchemes")["bearer"] = new JsonObject
        {
            ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT",
        };
        merged["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });

        var fetched = await Task.WhenAll(services.Services.Select(s => Fetch(s.Key, s.Value, ct)));
        var missing = new JsonArray();
        var clashes = new JsonArray();
        foreach (var (name, document) in fetched)
        {
            if (document is null)
            {
                missing.Add(name);
                continue;
            }
            ServiceDocuments.Sanitise(document);
            Copy(document["paths"] as JsonObject, paths);
            CopyTags(document["tags"] as JsonArray, merged);
            foreach (var clash in CopySchemas((document["components"] as JsonObject)?["schemas"] as JsonObject, schemas))
                clashes.Add($"{name}: {clash}");
        }
        if (missing.Count > 0) merged["x-tradehub-unavailable"] = missing;
        if (clashes.Count > 0)
        {
            // Kept visible: a client generated from this document would send the first service's shape to the other.
            merged["x-tradehub-schema-clashes"] = clashes;
            log.LogWarning("Schemas named alike with other shapes in two services: {Clashes}", clashes.ToJsonString());
        }
        return (merged.ToJsonString(), missing.Count == 0);
    }

    private async Task<(string Name, JsonObject? Document)> Fetch(string name, Uri address, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(ApiDocs.Client).GetAsync(new Uri(address, "openapi/v1.json"), ct);
            if (!response.IsSuccessStatusCode) return (name, null);
            return (name, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            log.LogInformation("OpenAPI document of {Service} not available: {Reason}", name, e.Message);
            return (name, null);
        }
    }

    /// <summary>First one wins: services may share a schema name only for the same shape.</summary>
    private static void Copy(JsonObject? from, JsonObject to)
    {
        if (from is null) return;
        foreach (var (key, value) in from)
            if (!to.ContainsKey(key) && value is not null)
                to[key] = value.DeepClone();
    }

    /// <summary>Copies the schemas a service adds and names those it defines otherwise than the document already does.</summary>
    private static List<string> CopySchemas(JsonObject? from, JsonObject to)
    {
        var clashes = new List<string>();
        if (from is null) return clashes;
        foreach (var (key, value) in from)
        {
            if (value is null) continue;
            if (!to.TryGetPropertyValue(key, out var existing)) to[key] = value.DeepClone();
            else if (!JsonNode.DeepEquals(existing, value)) clashes.Add(key);
        }
        return clashes;
    }

    /// <summary>Each service declares the tags of its operations; the merged document declares each name once.</summary>
    private static void CopyTags(JsonArray? from, JsonObject merged)
    {
        if (from is null) return;
        if (merged["tags"] is not JsonArray tags) merged["tags"] = tags = [];
        var known = tags.Select(t => t?["name"]?.GetValue<string>()).ToHashSet();
        foreach (var tag in from)
            if (tag?["name"]?.GetValue<string>() is { } name && known.Add(name))
                tags.Add(tag.DeepClone());
    }

    private static JsonObject Object(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}

/// <summary>
/// The services' own documents, published anonymously under /services/{name}/openapi/v1.json, name no server but
/// the gateway: whatever servers a service put in (its internal address, by default) never leave the gateway.
/// </summary>
public static class ServiceDocuments
{
    internal static bool IsServiceDocument(string? path) =>
        path is not null && path.StartsWith("/services/", StringComparison.Ordinal)
                         && path.EndsWith("/openapi/v1.json", StringComparison.Ordinal);

    /// <summary>Replaces the document's servers with the gateway ("/") and drops any per-path or per-operation ones.</summary>
    internal static void Sanitise(JsonObject document)
    {
        document["servers"] = new JsonArray(new JsonObject { ["url"] = "/" });
        if (document["paths"] is not JsonObject paths) return;
        foreach (var (_, item) in paths)
        {
            if (item is not JsonObject pathItem) continue;
            pathItem.Remove("servers");
            foreach (var (_, operation) in pathItem)
                (operation as JsonObject)?.Remove("servers");
        }
    }

    /// <summary>A YARP response transform on the routes that publish a service's document.</summary>
    public static IReverseProxyBuilder SanitiseServiceDocuments(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context =>
        {
            if (!IsServiceDocument(context.Route.Match.Path)) return;
            context.AddResponseTransform(async transform =>
            {
                if (transform.ProxyResponse is not { IsSuccessStatusCode: true } response) return;
                var http = transform.HttpContext;
                var text = await response.Content.ReadAsStringAsync(http.RequestAborted);
                transform.SuppressResponseBody = true;
                JsonObject? document;
                try
                {
                    document = JsonNode.Parse(text) as JsonObject;
                }
                catch (System.Text.Json.JsonException)
                {
                    document = null;
                }
                if (document is null)
                {
                    // Not a document this gateway can vouch for: say so rather than pass it on unread.
                    http.Response.Headers.ContentLength = null;
                    await Problem.Write(http, StatusCodes.Status502BadGateway, "The service's OpenAPI document is not JSON.");
                    return;
                }
                Sanitise(document);
                var bytes = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
                http.Response.ContentLength = bytes.Length;
                await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
            });
        });
}

public static class ApiDocs
{
    /// <summary>
    /// Its own client: a service builds its document on first request, which takes longer than a health probe
    /// may wait, and the document is no hot path.
    /// </summary>
    public const string Client = "openapi";

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiDocument>();
        builder.Services.AddHttpClient(Client, c => c.Timeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>The merged document at /openapi/v1.json (a literal route, so it wins over Hosting's MapOpenApi) and Scalar at /docs.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapGet("/openapi/v1.json", async (ApiDocument document, CancellationToken ct) =>
                TypedResults.Text(await document.Get(ct), "application/json"))
            .ExcludeFromDescription();
        // No CDN fonts: the page uses only what the gateway serves (its content security policy allows no more).
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("TradeHub API")
            .DisableDefaultFonts()
            .WithOpenApiRoutePattern("/openapi/v1.json"));
        return app;
    }
}
