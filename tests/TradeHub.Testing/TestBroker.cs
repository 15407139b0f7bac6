using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace TradeHub.Testing;

/// <summary>Private virtual hosts on the real RabbitMQ, so test runs never share queues with each other or with up.sh.</summary>
public static class TestBroker
{
    private static HttpClient Management()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RunningSystem.ManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return http;
    }

    public static async Task RecreateVirtualHost(string name)
    {
        using var http = Management();
        var vhost = Uri.EscapeDataString(name);
        await http.DeleteAsync($"vhosts/{vhost}");
        (await http.PutAsync($"vhosts/{vhost}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"permissions/{vhost}/guest",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();
    }

    /// <summary>Messages ready in a queue ("queues/{vhost}/{name}"), 0 when the queue does not exist yet.</summary>
    public static async Task<long> MessagesIn(string queuePath)
    {
        using var http = Management();
        var answer = await http.GetAsync(queuePath);
        if (!answer.IsSuccessStatusCode) return 0;
        var queue = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        return queue["messages"]?.GetValue<long>() ?? 0;
    }

    /// <summary>Every queue of a virtual host with its message count.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> Queues(string vhost)
    {
        using var http = Management();
        var answer = await http.GetStringAsync($"queues/{Uri.EscapeDataString(vhost)}");
        return JsonNode.Parse(answer)!.AsArray().ToDictionary(
            q => q!["name"]!.GetValue<string>(), q => q!["messages"]?.GetValue<long>() ?? 0);
    }
}
