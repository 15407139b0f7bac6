using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TradeHub.Testing;

/// <summary>An HTTP client of the public API signed in as one organisation and role (dev tokens).</summary>
public sealed class ApiClient : IDisposable
{
    public HttpClient Http { get; }
    public string Organisation { get; }

    private ApiClient(HttpClient http, string organisation)
    {
        Http = http;
        Organisation = organisation;
    }

    public static async Task<ApiClient> SignIn(Uri gateway, string organisation, string role)
    {
        var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var answer = await http.PostAsJsonAsync("/api/dev/tokens", new { organisation, role });
        answer.EnsureSuccessStatusCode();
        var token = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiClient(http, organisation);
    }

    public Task<HttpResponseMessage> Post(string path, object body) => Http.PostAsJsonAsync(path, body);

    public async Task<JsonNode> PostOk(string path, object body)
    {
        var answer = await Http.PostAsJsonAsync(path, body);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new HttpRequestException($"POST {path} -> {(int)answer.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> GetOk(string path)
    {
        var answer = await Http.GetAsync(path);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new HttpRequestException($"GET {path} -> {(int)answer.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Polls a GET until the condition holds (events travel asynchronously over the bus).</summary>
    public async Task<JsonNode> Eventually(string path, Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetOk(path);
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"GET {path} never met the condition; last answer: {last?.ToJsonString()}");
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public void Dispose() => Http.Dispose();
}
