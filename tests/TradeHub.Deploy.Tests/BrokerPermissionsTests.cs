using System.Text.RegularExpressions;

namespace TradeHub.Deploy.Tests;

/// <summary>
/// deploy/rabbitmq/permissions.tsv against the code: every service's user can do what its consumers and outbox need
/// (queue and exchange names as MassTransit derives them) and nothing another service owns; the gateway publishes
/// nothing. The end-to-end suite runs the system with these users; this says why a regex is as wide as it is.
/// </summary>
public sealed partial class BrokerPermissionsTests
{
    private static readonly string[] Producers = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];
    private static readonly string[] Processes = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools", "gateway"];

    public sealed record Grant(string User, string Configure, string Write, string Read);

    public static IReadOnlyList<Grant> Grants() =>
        File.ReadAllLines(DeployFiles.PathOf("deploy/rabbitmq/permissions.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(f => new Grant(f[0], f[1], f[2], f[3]))
            .ToList();

    private static Grant GrantOf(string process) => Grants().Single(g => g.User == $"tradehub-{process}");

    /// <summary>RabbitMQ matches a permission regex anywhere in a name, as Regex.IsMatch does.</summary>
    private static bool Allows(string pattern, string name) => Regex.IsMatch(name, pattern);

    /// <summary>Exchange names ("Namespace:Type") of the events a producer's contracts project declares.</summary>
    private static IReadOnlyList<string> Contracts(string producer)
    {
        var folder = DeployFiles.PathOf($"src/{ConfigurationSurface.Capitalised(producer)}/TradeHub.{ConfigurationSurface.Capitalised(producer)}.Contracts");
        return Directory.EnumerateFiles(folder, "*.cs")
            .SelectMany(file =>
            {
                var text = File.ReadAllText(file);
                var ns = Namespace().Match(text).Groups[1].Value;
                return Record().Matches(text).Select(m => $"{ns}:{m.Groups[1].Value}");
            })
            .ToList();
    }

    private static IReadOnlyList<string> AllContracts() => Producers.SelectMany(Contracts).ToList();

    /// <summary>Exchanges of the message types a process consumes (IConsumer&lt;T&gt; in its project, batches included).</summary>
    private static IReadOnlySet<string> Consumed(string process)
    {
        var project = DeployFiles.PathOf($"src/{ConfigurationSurface.Capitalised(process)}/TradeHub.{ConfigurationSurface.Capitalised(process)}");
        var types = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Consumer().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        return AllContracts().Where(e => types.Contains(e[(e.IndexOf(':') + 1)..])).ToHashSet();
    }

    /// <summary>A process's endpoint queues (and exchanges) with the error and skipped ones MassTransit adds on failure.</summary>
    private static IReadOnlyList<string> Endpoints(string process)
    {
        var queues = process == "gateway"
            ? ["gateway-events-web-7f9c-0123456789abcdef0123456789abcdef"]
            : ConfigurationSurface.ConsumerQueues(process).ToList();
        return queues.SelectMany(q => new[] { q, q + "_error", q + "_skipped" }).ToList();
    }

    [Test]
    public void There_is_one_user_per_process_and_no_wildcard_permission()
    {
        Assert.That(Grants().Select(g => g.User), Is.EquivalentTo(Processes.Select(p => $"tradehub-{p}")));
        foreach (var grant in Grants())
            foreach (var pattern in new[] { grant.Configure, grant.Write, grant.Read })
            {
                Assert.That(pattern, Does.StartWith("^").And.EndWith("$"), $"{grant.User}: anchored, or it matches inside any name");
                Assert.That(Allows(pattern, "amq.default") || Allows(pattern, "") || Allows(pattern, "some-other-queue"), Is.False,
                    $"{grant.User}: {pattern} is too wide");
            }
    }

    [Test]
    public void Each_service_may_run_its_own_consumers_and_bind_the_events_they_consume()
    {
        foreach (var process in Processes)
        {
            var grant = GrantOf(process);
            var consumed = Consumed(process);
            Assert.That(consumed, Is.Not.Empty, process);
            foreach (var endpoint in Endpoints(process))
            {
                Assert.That(Allows(grant.Configure, endpoint), Is.True, $"{process} declares {endpoint}");
                Assert.That(Allows(grant.Write, endpoint), Is.True, $"{process} binds into {endpoint}");
                Assert.That(Allows(grant.Read, endpoint), Is.True, $"{process} consumes {endpoint}");
            }
            foreach (var exchange in consumed)
            {
                Assert.That(Allows(grant.Configure, exchange), Is.True, $"{process} declares {exchange} to bind it");
                Assert.That(Allows(grant.Read, exchange), Is.True, $"{process} binds from {exchange}");
            }
        }
    }

    [Test]
    public void Each_service_publishes_its_own_events_and_no_other_producers()
    {
        foreach (var producer in Producers)
        {
            var grant = GrantOf(producer);
            foreach (var exchange in Contracts(producer))
            {
                Assert.That(Allows(grant.Configure, exchange), Is.True, $"{producer} declares {exchange}");
                Assert.That(Allows(grant.Write, exchange), Is.True, $"{producer} publishes {exchange}");
            }
            foreach (var exchange in Producers.Where(p => p != producer).SelectMany(Contracts))
                Assert.That(Allows(grant.Write, exchange), Is.False, $"{producer} must not publish {exchange}");
            Assert.That(Allows(grant.Write, "MassTransit:Fault--TradeHub.Matching.Contracts:MatchConfirmed--"), Is.True,
                $"{producer} publishes the fault of a message its consumer gave up on");
        }
    }

    [Test]
    public void No_user_reaches_another_services_endpoints_or_unconsumed_events()
    {
        foreach (var process in Processes)
        {
            var grant = GrantOf(process);
            foreach (var endpoint in Processes.Where(p => p != process).SelectMany(Endpoints))
                foreach (var (what, pattern) in new[] { ("configure", grant.Configure), ("write", grant.Write), ("read", grant.Read) })
                    Assert.That(Allows(pattern, endpoint), Is.False, $"{process} may {what} {endpoint}");
            foreach (var exchange in AllContracts().Except(Consumed(process)))
                Assert.That(Allows(grant.Read, exchange), Is.False, $"{process} may read {exchange}, which it does not consume");
        }
    }

    [Test]
    public void The_gateway_publishes_nothing()
    {
        var grant = GrantOf("gateway");
        foreach (var exchange in AllContracts().Append("MassTransit:Fault").Append("amq.default").Append("amq.topic"))
            Assert.That(Allows(grant.Write, exchange), Is.False, exchange);
        Assert.That(Allows(grant.Write, "gateway-events-web-1-0123"), Is.True, "only into its own live-events queue (binding)");
        Assert.That(Allows(grant.Configure, "TradeHub.Listings.Contracts:CargoOfferPosted"), Is.False);
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^public\s+(?:sealed\s+)?record\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex Record();

    // IConsumer<T>, IConsumer<Batch<T>> and Webhooks' FanOutConsumer<T> (a consumer of Batch<T>).
    [GeneratedRegex(@"(?:IConsumer<(?:Batch<)?|FanOutConsumer<)(\w+)>")]
    private static partial Regex Consumer();
}
