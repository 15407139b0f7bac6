using System.Net.Http.Headers;
using System.Net.Http.Json;
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

    /// <summary>
    /// The per-service users of deploy/rabbitmq/permissions.tsv (keyed "listings", ..., "gateway") with the passwords
    /// `deploy/local/servers.sh broker_users` made for this data folder (test.sh runs it first).
    /// </summary>
    public static IReadOnlyDictionary<string, BrokerUser> ServiceUsers => Users.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, BrokerUser>> Users = new(ReadUsers);

    private static IReadOnlyDictionary<string, BrokerUser> ReadUsers()
    {
        var data = Environment.GetEnvironmentVariable("TRADEHUB_DATA") is { Length: > 0 } d ? d : Path.Combine(RunningSystem.RepoRoot, ".local");
        var passwordFile = Path.Combine(data, "rabbitmq", "passwords");
        if (!File.Exists(passwordFile))
            throw new InvalidOperationException($"{passwordFile} is missing: run deploy/local/servers.sh broker_users (deploy/local/test.sh does).");
        var passwords = File.ReadAllLines(passwordFile).Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
        var users = new Dictionary<string, BrokerUser>();
        foreach (var line in File.ReadAllLines(Path.Combine(RunningSystem.RepoRoot, "deploy", "rabbitmq", "permissions.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split('\t');
            if (!passwords.TryGetValue(f[0], out var password))
                throw new InvalidOperationException($"No password for {f[0]} in {passwordFile}: run deploy/local/servers.sh broker_users.");
            users[f[0]["tradehub-".Length..]] = new BrokerUser(f[0], password, f[1], f[2], f[3]);
        }
        return users;
    }

    /// <summary>Grants every service's user its permissions on a virtual host (the services then run as those users).</summary>
    public static async Task GrantServiceUsers(string name)
    {
        using var http = Management();
        foreach (var user in ServiceUsers.Values)
            (await http.PutAsync($"permissions/{Uri.EscapeDataString(name)}/{user.Name}", JsonContent.Create(
                new { configure = user.Configure, write = user.Write, read = user.Read }))).EnsureSuccessStatusCode();
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

    /// <summary>
    /// Why the first message of an error queue failed: MassTransit's fault headers (exception type and message), read
    /// without taking the message off the queue; empty when the queue is empty.
    /// </summary>
    public static async Task<string> FirstFault(string vhost, string queue)
    {
        using var http = Management();
        var answer = await http.PostAsync($"queues/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(queue)}/get",
            JsonContent.Create(new { count = 1, ackmode = "ack_requeue_true", encoding = "auto", truncate = 2000 }));
        if (!answer.IsSuccessStatusCode) return "";
        var messages = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsArray();
        if (messages.Count == 0) return "";
        var headers = messages[0]!["properties"]?["headers"];
        return $"{headers?["MT-Fault-ExceptionType"]}: {headers?["MT-Fault-Message"]}";
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

/// <summary>A RabbitMQ user of one service and its permission regexes on a virtual host.</summary>
public sealed record BrokerUser(string Name, string Password, string Configure, string Write, string Read);
