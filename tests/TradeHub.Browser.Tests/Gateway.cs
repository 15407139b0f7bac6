using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TradeHub.Browser.Tests;

/// <summary>The public API, for setting up a scene the browser then watches (e.g. an award a trade office should see).</summary>
public sealed class Gateway(string baseUrl)
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };

    public async Task EnsureUp()
    {
        try
        {
            using var response = await _http.GetAsync("health/live");
            Assert.That((int)response.StatusCode, Is.EqualTo(200), $"gateway at {baseUrl} is not live");
        }
        catch (HttpRequestException e)
        {
            Assert.Fail($"No gateway at {baseUrl} (set TRADEHUB_GATEWAY_URL): {e.Message}");
        }
    }

    public async Task<string> Token(string organisation, string role)
    {
        var answer = await Send(HttpMethod.Post, "api/dev/tokens", null, new { organisation, role });
        return answer["token"]!.GetValue<string>();
    }

    public async Task<JsonNode> Send(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{method} {path}: {(int)response.StatusCode} {text}");
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static string Date(int daysFromToday) => DateTime.UtcNow.Date.AddDays(daysFromToday).ToString("yyyy-MM-dd");
}
