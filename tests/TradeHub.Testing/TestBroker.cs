using System.Net.Http.Headers;
using System.Text;

namespace TradeHub.Testing;

/// <summary>Private virtual hosts on the real RabbitMQ, so test runs never share queues with each other or with up.sh.</summary>
public static class TestBroker
{
    public static async Task RecreateVirtualHost(string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RunningSystem.ManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var vhost = Uri.EscapeDataString(name);
        await http.DeleteAsync($"vhosts/{vhost}");
        (await http.PutAsync($"vhosts/{vhost}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"permissions/{vhost}/guest",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();
    }
}
