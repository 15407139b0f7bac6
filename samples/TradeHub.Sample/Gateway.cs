using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TradeHub.Sample;

/// <summary>A failed call, with what the gateway answered (RFC 7807 problem details when it sent them).</summary>
public sealed class ApiException(string message) : Exception(message);

/// <summary>The gateway's public API over HTTP: dev tokens, JSON in and out, Idempotency-Key on creating POSTs.</summary>
public sealed class Gateway(Uri baseAddress) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };

    public Uri BaseAddress => baseAddress;

    /// <summary>Throws with a clear message when nothing answers at the gateway's address.</summary>
    public async Task EnsureReachable()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await http.GetAsync("health/ready", cts.Token);
            if (!response.IsSuccessStatusCode)
                throw new ApiException($"the gateway at {baseAddress} answers, but is not ready (GET /health/ready: {(int)response.StatusCode}). " +
                                       "Wait for the services to start, or look at their logs.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new ApiException($"the gateway at {baseAddress} is unreachable ({e.Message}). " +
                                   "Start TradeHub first (deploy/local/up.sh) or pass --gateway <url>.");
        }
    }

    /// <summary>A token of the local dev issuer for an organisation and role.</summary>
    public async Task<string> Token(string organisation, string role)
    {
        using var response = await http.PostAsync("api/dev/tokens", Body(new { organisation, role }));
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new ApiException("POST /api/dev/tokens is 404: the gateway's dev issuer is off (Auth__DevIssuer__Enabled=false). " +
                                   "The sample signs in with dev tokens; run it against a local or staging system.");
        var token = (await Read(response, "POST /api/dev/tokens"))?["token"]?.GetValue<string>();
        return token ?? throw new ApiException("POST /api/dev/tokens answered without a token");
    }

    public Task<JsonNode?> Get(string token, string path) => Send(HttpMethod.Get, token, path, null, idempotent: false);

    /// <summary>A GET without a token (a shared tracking link).</summary>
    public Task<JsonNode?> GetAnonymous(string path) => Send(HttpMethod.Get, "", path, null, idempotent: false);

    /// <summary>A creating POST; a fresh Idempotency-Key per call makes a retry of the same call safe.</summary>
    public Task<JsonNode?> Create(string token, string path, object body) => Send(HttpMethod.Post, token, path, body, idempotent: true);

    public Task<JsonNode?> Post(string token, string path, object? body = null) => Send(HttpMethod.Post, token, path, body, idempotent: false);

    public Task<JsonNode?> Delete(string token, string path) => Send(HttpMethod.Delete, token, path, null, idempotent: false);

    /// <summary>Asks until the answer satisfies done, or gives up after the timeout (null then).</summary>
    public async Task<JsonNode?> Poll(string token, string path, Func<JsonNode?, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var answer = await Get(token, path);
            if (done(answer)) return answer;
            if (DateTime.UtcNow + delay > deadline) return null;
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 2000));
        }
    }

    private async Task<JsonNode?> Send(HttpMethod method, string token, string path, object? body, bool idempotent)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/'));
            if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (idempotent) request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body is not null) request.Content = Body(body);
            try
            {
                using var response = await http.SendAsync(request);
                // Rate limited or a service briefly away behind the gateway: wait and try again (the same
                // Idempotency-Key makes a repeated create harmless).
                if (attempt < 5 && response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                        or HttpStatusCode.GatewayTimeout)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(attempt));
                    continue;
                }
                return await Read(response, $"{method} {path}");
            }
            catch (Exception e) when (attempt < 3 && e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new ApiException($"{method} {path}: the gateway at {baseAddress} did not answer ({e.Message})");
            }
        }
    }

    private static StringContent Body(object body) =>
        new(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    private static async Task<JsonNode?> Read(HttpResponseMessage response, string call)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            var detail = text.Length > 600 ? text[..600] + "..." : text;
            throw new ApiException($"{call} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}");
        }
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    public void Dispose() => http.Dispose();
}
