using System.Text.RegularExpressions;

namespace TradeHub.Deploy.Tests;

public sealed partial class ComposeTests
{
    private static readonly string ComposeFile = DeployFiles.PathOf("deploy/compose/compose.yaml");
    private static readonly string[] Consumers = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];

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
    public void Consumer_services_run_two_replicas_and_only_loopback_ports_are_published()
    {
        foreach (var name in Consumers)
            Assert.That(Service(name).Str("deploy", "replicas"), Is.EqualTo("2"), name);
        Assert.That(Service("gateway").Seq("ports").OfType<string>(), Is.EqualTo(new[] { "127.0.0.1:8080:8080" }));
        foreach (var name in Consumers)
            Assert.That(Service(name).Seq("ports"), Is.Empty, $"{name} is reached through the gateway only");
        foreach (var (name, _) in Services())
            foreach (var port in Service((string)name).Seq("ports"))
                Assert.That(port, Is.TypeOf<string>().And.StartWith("127.0.0.1:"), $"{name} publishes {port} on every interface");
    }

    [Test]
    public void Services_start_only_after_their_dependencies_are_ready()
    {
        foreach (var name in Consumers)
        {
            var dependsOn = Service(name).Map("depends_on");
            Assert.That(dependsOn.Str("postgres", "condition"), Is.EqualTo("service_healthy"), name);
            Assert.That(dependsOn.Str("rabbitmq-users", "condition"), Is.EqualTo("service_completed_successfully"), $"{name} waits for its broker user");
        }
        Assert.That(Service("rabbitmq-users").Map("depends_on").Str("rabbitmq", "condition"), Is.EqualTo("service_healthy"));
        var gateway = Service("gateway").Map("depends_on");
        Assert.That(gateway.Str("rabbitmq-users", "condition"), Is.EqualTo("service_completed_successfully"));
        foreach (var name in Consumers)
            Assert.That(gateway.Str(name, "condition"), Is.EqualTo("service_healthy"), $"gateway waits for {name}");
        foreach (var (name, _) in Services().Where(s => Service((string)s.Key).Str("restart") != "no"))
            Assert.That(Service((string)name).Map("healthcheck"), Is.Not.Null, $"{name} has a healthcheck");
    }

    [Test]
    public void The_dev_issuer_is_off_and_the_oidc_authority_is_passed_through()
    {
        foreach (var name in Consumers.Append("gateway"))
        {
            var env = Environment(Service(name));
            Assert.That(env["Auth__DevIssuer__Enabled"], Is.EqualTo("false"), name);
            Assert.That(env["Auth__Authority"], Does.StartWith("${TRADEHUB_AUTH_AUTHORITY:?"), $"{name}: required, no default");
            Assert.That(env["Auth__Audience"], Does.StartWith("${TRADEHUB_AUTH_AUDIENCE"), name);
            Assert.That(env.Keys, Has.None.Contains("SigningKey"), name);
        }
    }

    [Test]
    public void No_password_or_key_has_a_default_value()
    {
        var text = File.ReadAllText(ComposeFile);
        Assert.That(SecretWithDefault().Matches(text).Select(m => m.Value), Is.Empty, "use ${NAME:?message}: compose then refuses to start without it");
        foreach (var (name, service) in Services())
            foreach (var (key, value) in Environment((Dictionary<object, object>)service)
                         .Where(kv => kv.Key.Contains("PASS", StringComparison.OrdinalIgnoreCase) || kv.Key.EndsWith("Password", StringComparison.Ordinal)))
                Assert.That(value, Does.Match(@"^\$\{[A-Z_]+:\?[^}]*\}$"), $"{name} {key}");
    }

    [Test]
    public void Each_service_connects_to_rabbitmq_as_its_own_user_made_from_the_permission_list()
    {
        var passwords = new HashSet<string>();
        foreach (var name in Consumers.Append("gateway"))
        {
            var env = Environment(Service(name));
            Assert.That(env["RabbitMq__Username"], Is.EqualTo($"tradehub-{name}"), name);
            Assert.That(env["RabbitMq__Password"], Does.Contain($"TRADEHUB_RABBITMQ_{name.ToUpperInvariant()}_PASSWORD"), name);
            Assert.That(passwords.Add(env["RabbitMq__Password"]), Is.True, $"{name} has a password of its own");
            Assert.That(Environment(Service("rabbitmq-users")), Does.ContainKey($"TRADEHUB_RABBITMQ_{name.ToUpperInvariant()}_PASSWORD"));
        }
        Assert.That(Environment(Service("rabbitmq"))["RABBITMQ_DEFAULT_USER"], Does.Not.StartWith("tradehub-listings")
            .And.Not.StartWith("tradehub-routing").And.Not.StartWith("tradehub-matching").And.Not.StartWith("tradehub-gateway"));
        var mounts = Service("rabbitmq-users").Seq("volumes").OfType<string>().ToList();
        Assert.That(mounts, Has.Some.StartWith("../rabbitmq/permissions.tsv:"));
        foreach (var mount in mounts.Where(m => m.StartsWith('.')))
            Assert.That(File.Exists(DeployFiles.PathOf("deploy/compose/" + mount[..mount.IndexOf(':')])), Is.True, mount);
        Assert.That(Environment(Service("rabbitmq-users"))["TRADEHUB_RABBITMQ_VHOST"], Is.EqualTo(Environment(Service("gateway"))["RabbitMq__VirtualHost"]));
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
    public void Each_service_connects_to_its_own_database_as_its_owner_not_the_superuser()
    {
        var init = string.Join('\n', Directory.EnumerateFiles(DeployFiles.PathOf("deploy/compose/initdb"), "*.sql").Select(File.ReadAllText));
        var postgres = Environment(Service("postgres"));
        foreach (var name in Consumers)
        {
            var connection = Environment(Service(name))["ConnectionStrings__Database"];
            Assert.That(DatabaseName().Match(connection).Groups[1].Value, Is.EqualTo($"tradehub_{name}"), name);
            var user = UserName().Match(connection).Groups[1].Value;
            Assert.That(user, Is.Not.EqualTo(postgres["POSTGRES_USER"]), $"{name} must not connect as the superuser");
            Assert.That(init, Does.Contain($"CREATE ROLE {user} LOGIN PASSWORD"), name);
            Assert.That(init, Does.Contain($"CREATE DATABASE tradehub_{name} OWNER {user};"), name);
            Assert.That(init, Does.Contain($"REVOKE ALL ON DATABASE tradehub_{name} FROM PUBLIC;"), $"only {user} connects to tradehub_{name}");
            var password = $"TRADEHUB_POSTGRES_{name.ToUpperInvariant()}_PASSWORD";
            Assert.That(connection, Does.Contain(password), name);
            Assert.That(postgres, Does.ContainKey(password), "the init script reads the owner's password from the postgres container");
            Assert.That(init, Does.Contain($"\\getenv {name}_password {password}"), name);
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
        Assert.That(Service("rabbitmq-users").Str("image"), Is.EqualTo(Service("rabbitmq").Str("image")), "rabbitmqctl of the same version");
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

    [GeneratedRegex("Username=([^;]+)")]
    private static partial Regex UserName();

    [GeneratedRegex(@"\$\{[A-Za-z_]*(PASSWORD|PASS|KEY|SECRET|TOKEN)[A-Za-z_]*:?-[^}]*\}", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWithDefault();
}
