namespace TradeHub.Deploy.Tests;

/// <summary>
/// deploy/k8s/base/network-policies.yaml: default deny in and out, then only the paths the system uses. A pod's
/// allowed traffic is the union of every policy that selects it, so each check looks at all of them.
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly string[] Services = ["listings", "routing", "matching"];

    private static List<Dictionary<object, object>> Policies() =>
        DeployFiles.Documents(DeployFiles.K8sFiles("deploy/k8s/base")).OfKind("NetworkPolicy").ToList();

    private static Dictionary<string, string> Pod(string name) => new() { ["app.kubernetes.io/name"] = name };

    /// <summary>Whether a label selector (matchLabels, matchExpressions with In) selects a pod with these labels.</summary>
    private static bool Selects(Dictionary<object, object>? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null) return true;
        var matchLabels = selector.Map("matchLabels") ?? [];
        if (!matchLabels.All(kv => labels.TryGetValue((string)kv.Key, out var v) && v == (string)kv.Value)) return false;
        return selector.Maps("matchExpressions").All(e =>
            e.Str("operator") == "In" && labels.TryGetValue(e.Str("key")!, out var v) && e.Seq("values").OfType<string>().Contains(v));
    }

    private static IEnumerable<Dictionary<object, object>> PoliciesSelecting(IReadOnlyDictionary<string, string> labels) =>
        Policies().Where(p => Selects(p.Map("spec", "podSelector"), labels));

    private static IEnumerable<Dictionary<object, object>> IngressRules(IReadOnlyDictionary<string, string> labels) =>
        PoliciesSelecting(labels).SelectMany(p => p.Maps("spec", "ingress"));

    private static IEnumerable<Dictionary<object, object>> EgressRules(IReadOnlyDictionary<string, string> labels) =>
        PoliciesSelecting(labels).SelectMany(p => p.Maps("spec", "egress"));

    private static IEnumerable<string?> Ports(Dictionary<object, object> rule) => rule.Maps("ports").Select(p => p.Str("port"));

    private static bool SamePodLabel(Dictionary<object, object> peer, string name) =>
        peer.Map("namespaceSelector") is null && peer.Map("ipBlock") is null
        && peer.Str("podSelector", "matchLabels", "app.kubernetes.io/name") == name;

    private static bool FromNamespace(Dictionary<object, object> peer, string ns) =>
        peer.Str("namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") == ns;

    [Test]
    public void A_default_deny_policy_covers_every_pod_both_ways()
    {
        var deny = Policies().Where(p => (p.Map("spec", "podSelector") ?? []).Count == 0
                                         && p.Map("spec")!.ContainsKey("ingress") == false && p.Map("spec")!.ContainsKey("egress") == false)
            .ToList();
        Assert.That(deny, Has.Count.EqualTo(1));
        Assert.That(deny[0].Seq("spec", "policyTypes").OfType<string>(), Is.EquivalentTo(new[] { "Ingress", "Egress" }));
        Assert.That(DeployFiles.Documents(DeployFiles.PathOf("deploy/k8s/base/kustomization.yaml")).Single().Seq("resources").OfType<string>(),
            Does.Contain("network-policies.yaml"));
    }

    [Test]
    public void Every_pod_may_resolve_names_through_cluster_dns()
    {
        var dns = EgressRules(Pod("anything")).Where(r => r.Maps("to").Any(t => FromNamespace(t, "kube-system")
                                                                                 && t.Str("podSelector", "matchLabels", "k8s-app") == "kube-dns")).ToList();
        Assert.That(dns.SelectMany(Ports), Does.Contain("53"));
    }

    [Test]
    public void Only_the_ingress_controller_reaches_the_gateway()
    {
        var rules = IngressRules(Pod("gateway")).ToList();
        Assert.That(rules, Is.Not.Empty);
        foreach (var rule in rules)
        {
            Assert.That(rule.Maps("from"), Is.Not.Empty, "a rule without from admits everyone");
            Assert.That(rule.Maps("from").All(f => FromNamespace(f, "ingress-nginx")), Is.True);
            Assert.That(Ports(rule), Is.EqualTo(new[] { "8080" }));
        }
    }

    [Test]
    public void The_services_accept_traffic_from_the_gateway_only()
    {
        foreach (var service in Services)
        {
            var rules = IngressRules(Pod(service)).ToList();
            Assert.That(rules, Is.Not.Empty, service);
            foreach (var rule in rules)
            {
                Assert.That(rule.Maps("from"), Is.Not.Empty.And.All.Matches<Dictionary<object, object>>(f => SamePodLabel(f, "gateway")), service);
                Assert.That(Ports(rule), Is.EqualTo(new[] { "8080" }), service);
            }
        }
    }

    [Test]
    public void Each_service_reaches_its_own_database_and_the_broker_and_nothing_else_inside_the_cluster()
    {
        foreach (var service in Services)
        {
            var peers = EgressRules(Pod(service)).SelectMany(r => r.Maps("to")).Where(t => t.Map("ipBlock") is null).ToList();
            var databases = peers.Select(t => t.Str("podSelector", "matchLabels", "cnpg.io/cluster")).OfType<string>().ToList();
            Assert.That(databases, Is.EqualTo(new[] { $"{service}-db" }), service);
            var database = IngressRules(new Dictionary<string, string> { ["cnpg.io/cluster"] = $"{service}-db" })
                .SelectMany(r => r.Maps("from")).Select(f => f.Str("podSelector", "matchLabels", "app.kubernetes.io/name")).OfType<string>();
            Assert.That(database, Is.EqualTo(new[] { service }), $"{service}-db admits {service} alone");
            var pods = peers.Select(t => t.Str("podSelector", "matchLabels", "app.kubernetes.io/name")).OfType<string>().Distinct();
            Assert.That(pods, Is.EquivalentTo(new[] { "rabbitmq" }), service);
            var addresses = EgressRules(Pod(service)).SelectMany(r => r.Maps("to")).Select(t => t.Map("ipBlock")).OfType<Dictionary<object, object>>();
            foreach (var block in addresses)
                Assert.That(block.Seq("except").OfType<string>(), Is.SupersetOf(new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" }),
                    $"{service}: the OIDC rule leaves cluster-internal addresses out");
        }
    }

    [Test]
    public void RabbitMQ_management_is_reachable_from_the_operators_only()
    {
        var rabbit = Pod("rabbitmq");
        var rules = IngressRules(rabbit).ToList();
        Assert.That(rules, Is.Not.Empty);
        foreach (var rule in rules.Where(r => !r.Maps("ports").Any() || Ports(r).Contains("15672")))
            foreach (var peer in rule.Maps("from"))
                Assert.That(FromNamespace(peer, "rabbitmq-system") || SamePodLabel(peer, "rabbitmq"), Is.True,
                    "management (15672) only from the operators' namespace or the RabbitMQ nodes themselves");
        var amqp = rules.Where(r => Ports(r).Contains("5672")).SelectMany(r => r.Maps("from")).ToList();
        foreach (var process in Services.Append("gateway"))
            Assert.That(amqp.Any(p => p.Map("namespaceSelector") is null && Selects(p.Map("podSelector"), Pod(process))), Is.True,
                $"{process} reaches AMQP");
    }
}
