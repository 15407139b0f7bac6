using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TradeHub.LoadGenerator;

/// <summary>The gateway over HTTP/1.1 keep-alive connections; each call records its latency and status.</summary>
public sealed class Api(Uri gateway, int connections) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    public Uri Gateway => gateway;

    public sealed record Answer(int Status, JsonNode? Body, double Ms);

    public async Task<string> Token(string organisation, string role)
    {
        var a = await Send(HttpMethod.Post, null, "api/dev/tokens", new { organisation, role });
        return a.Body?["token"]?.GetValue<string>()
               ?? throw new InvalidOperationException($"POST /api/dev/tokens answered {a.Status} (is the dev issuer on?)");
    }

    /// <summary>Sends one request; <paramref name="sent"/> gets the Stopwatch timestamp just before it leaves.</summary>
    public async Task<Answer> Send(HttpMethod method, string? token, string path, object? body = null,
        bool idempotencyKey = false, Action<long>? sent = null, bool parse = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        var start = Stopwatch.GetTimestamp();
        sent?.Invoke(start);
        try
        {
            using var response = await _http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            JsonNode? node = null;
            if (parse && bytes.Length > 0 && response.IsSuccessStatusCode)
            {
                try { node = JsonNode.Parse(bytes); } catch (JsonException) { }
            }
            return new Answer((int)response.StatusCode, node, ms);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Answer(0, null, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    public void Dispose() => _http.Dispose();
}
