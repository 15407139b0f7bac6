using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Deploy.Tests;

/// <summary>
/// The configuration keys the TradeHub processes read, derived from the code: the option classes of
/// TradeHub.Hosting and Webhooks' options (by reflection), the database connection string, the gateway's reverse-proxy clusters
/// (from its appsettings.json) and service directory, and the few platform variables (URLs, environment,
/// OpenTelemetry). Keys compare case-insensitively, as ASP.NET Core configuration does.
/// </summary>
public static partial class ConfigurationSurface
{
    public static readonly string[] ServiceNames = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];

    public static readonly IReadOnlySet<string> Keys = Build();

    /// <summary>Whether an environment variable name (with "__" as the section separator) is read by the services.</summary>
    public static bool Reads(string environmentName)
    {
        if (environmentName.StartsWith("OTEL_", StringComparison.Ordinal)) return true;
        return Keys.Contains(environmentName.Replace("__", ":", StringComparison.Ordinal));
    }

    /// <summary>The reverse-proxy cluster names of the gateway's appsettings.json (the services, until it exists).</summary>
    public static IReadOnlyList<string> ProxyClusters()
    {
        var file = DeployFiles.PathOf("src/Gateway/TradeHub.Gateway/appsettings.json");
        if (!File.Exists(file)) return ServiceNames;
        using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return json.RootElement.TryGetProperty("ReverseProxy", out var proxy) && proxy.TryGetProperty("Clusters", out var clusters)
            ? clusters.EnumerateObject().Select(c => c.Name).ToList()
            : ServiceNames;
    }

    /// <summary>
    /// Queue names of the consumers a service registers (x.AddConsumer&lt;FooBarConsumer&gt;() or AddBatchConsumer anywhere in its
    /// project): MassTransit's kebab-case endpoint name with the service prefix, "routing-foo-bar".
    /// </summary>
    public static IReadOnlySet<string> ConsumerQueues(string service)
    {
        var project = DeployFiles.PathOf($"src/{Capitalised(service)}/TradeHub.{Capitalised(service)}");
        var queues = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(project)) return queues;
        foreach (var file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in AddConsumer().Matches(text))
                if (!m.Groups[2].Success) queues.Add(service + "-" + Kebab(m.Groups[1].Value));
            // Consumers put on a named endpoint (.Endpoint(e => e.Name = SomeQueue)) share the queue the constant names.
            foreach (Match m in QueueConstant().Matches(text))
                queues.Add(m.Groups[1].Value);
        }
        return queues;
    }

    public static string Capitalised(string service) => char.ToUpperInvariant(service[0]) + service[1..];

    private static string Kebab(string pascal) => KebabBoundary().Replace(pascal, "-$1").ToLowerInvariant();

    private static HashSet<string> Build()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "ASPNETCORE_URLS",
            "ASPNETCORE_ENVIRONMENT",
            "ConnectionStrings:Database",
        };
        AddOptions(keys, "RabbitMq", typeof(RabbitMqOptions));
        AddOptions(keys, "Auth", typeof(AuthOptions));
        AddOptions(keys, "Webhooks", typeof(TradeHub.Webhooks.WebhooksOptions));
        foreach (var cluster in ProxyClusters())
            keys.Add($"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address");
        foreach (var service in ServiceNames)
            keys.Add($"Services:{service}");
        return keys;
    }

    /// <summary>Every settable property, recursing into nested option classes (Auth:DevIssuer:Enabled).</summary>
    private static void AddOptions(HashSet<string> keys, string section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{section}:{property.Name}";
            var t = property.PropertyType;
            if (t.IsClass && t != typeof(string) && t.Namespace?.StartsWith("TradeHub", StringComparison.Ordinal) == true)
                AddOptions(keys, key, t);
            else
                keys.Add(key);
        }
    }

    [GeneratedRegex(@"Add(?:Batch)?Consumer<(\w+?)Consumer>(\(\)\.Endpoint)?")]
    private static partial Regex AddConsumer();

    [GeneratedRegex(@"const string \w+Queue = ""([a-z0-9-]+)""")]
    private static partial Regex QueueConstant();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
