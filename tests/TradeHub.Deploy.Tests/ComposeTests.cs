using System.Text.RegularExpressions;

namespace TradeHub.Deploy.Tests;

public sealed partial class ComposeTests
{
    private static readonly string ComposeFile = DeployFiles.PathOf("deploy/compose/compose.yaml");
    private static readonly string[] Consumers = ["listings", "routing", "matching", "shipments"];

    private static Dictionary<object, object> Services() => DeployFiles.Documents(ComposeFile).Single().Map("services")!;

    private static Dictionary<object, object> Service(string name) => Services().Map(name)!;

    /// <summary>environment as a map or as a list of NAME=value.</summary>
    private static Dictionary<string, string> Environment(Dictionary<object, object> service)
    {
        if (service.Map("environment") is { } map)
            return map.ToDictionary(kv => (string)kv.Key, kv => kv.Value as string ?? "");
        return service.Seq("environment").OfType<string>()
            .Select(e => e.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    [Test]
    public void Every_environment_key_is_read_by_the_services()
    {
        foreach (var (name, service) in Services())
        {
            if (Service((string)name).Map("build") is null) continue; // postgres, rabbitmq: their images' own variables
            var unknown = Environment((Dictionary<object, object>)service).Keys.Where(k => !ConfigurationSurface.Reads(k)).ToList();
            Assert.That(unknown, Is.Empty, $"compose service {name}");
        }
    }

    [Test]
    public void Consumer_services_run_two_replicas_and_the_gateway_publishes_8080()
    {
        foreach (var name in Consumers)
            Assert.That(Service(name).Str("deploy", "replicas"), Is.EqualTo("2"), name);
        Assert.That(Service("gateway").Seq("ports").OfType<string>(), Has.Some.EqualTo("8080:8080"));
        foreach (var name in Consumers)
            Assert.That(Service(name).Seq("ports"), Is.Empty, $"{name} is reached through the gateway only");
    }

    [Test]
    public void Services_start_only_after_their_dependencies_are_healthy()
    {
        foreach (var name in Consumers)
        {
            var dependsOn = Service(name).Map("depends_on");
            Assert.That(dependsOn.Str("postgres", "condition"), Is.EqualTo("service_healthy"), name);
            Assert.That(dependsOn.Str("rabbitmq", "condition"), Is.EqualTo("service_healthy"), name);
        }
        var gateway = Service("gateway").Map("depends_on");
        foreach (var name in Consumers)
            Assert.That(gateway.Str(name, "condition"), Is.EqualTo("service_healthy"), $"gateway waits for {name}");
        foreach (var (name, _) in Services())
            Assert.That(Service((string)name).Map("healthcheck"), Is.Not.Null, $"{name} has a healthcheck");
    }

    [Test]
    public void Service_health_checks_ask_the_readiness_endpoint()
    {
        foreach (var name in Consumers.Append("gateway"))
        {
            var test = Service(name).Seq("healthcheck", "test").OfType<string>().ToList();
            Assert.That(test, Has.Some.EqualTo("http://127.0.0.1:8080/health/ready"), name);
        }
    }

    [Test]
    public void Each_service_connects_to_its_own_database_created_by_the_init_script()
    {
        var init = string.Join('\n', Directory.EnumerateFiles(DeployFiles.PathOf("deploy/compose/initdb"), "*.sql").Select(File.ReadAllText));
        foreach (var name in Consumers)
        {
            var connection = Environment(Service(name))["ConnectionStrings__Database"];
            Assert.That(DatabaseName().Match(connection).Groups[1].Value, Is.EqualTo($"tradehub_{name}"), name);
            Assert.That(init, Does.Contain($"CREATE DATABASE tradehub_{name};"));
        }
        var mounts = Service("postgres").Seq("volumes").OfType<string>().ToList();
        Assert.That(mounts, Has.Some.Contains("/docker-entrypoint-initdb.d/"));
        foreach (var mount in mounts.Where(m => m.StartsWith("./", StringComparison.Ordinal)))
            Assert.That(File.Exists(DeployFiles.PathOf("deploy/compose/" + mount[2..mount.IndexOf(':')])), Is.True, mount);
    }

    [Test]
    public void Images_are_the_pinned_engines_and_the_builds_name_existing_dockerfiles()
    {
        Assert.That(Service("postgres").Str("image"), Is.EqualTo("postgres:16"));
        Assert.That(Service("rabbitmq").Str("image"), Is.EqualTo("rabbitmq:3.13-management"));
        foreach (var name in Consumers.Append("gateway"))
        {
            var build = Service(name).Map("build");
            var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ComposeFile)!, build.Str("context")!));
            Assert.That(context, Is.EqualTo(DeployFiles.Root.TrimEnd(Path.DirectorySeparatorChar)), $"{name} builds from the solution root");
            Assert.That(File.Exists(Path.Combine(context, build.Str("dockerfile")!)), Is.True, name);
            Assert.That(Environment(Service(name))["ASPNETCORE_URLS"], Is.EqualTo("http://+:8080"), name);
        }
    }

    [Test]
    public void Data_lives_in_named_volumes()
    {
        var volumes = DeployFiles.Documents(ComposeFile).Single().Map("volumes")!.Keys.Cast<string>().ToList();
        Assert.That(volumes, Is.EquivalentTo(new[] { "postgres-data", "rabbitmq-data" }));
        Assert.That(Service("postgres").Seq("volumes").OfType<string>(), Has.Some.StartsWith("postgres-data:"));
        Assert.That(Service("rabbitmq").Seq("volumes").OfType<string>(), Has.Some.StartsWith("rabbitmq-data:"));
    }

    [GeneratedRegex("Database=([^;]+)")]
    private static partial Regex DatabaseName();
}
