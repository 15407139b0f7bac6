using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Deploy.Tests;

public sealed partial class KubernetesTests
{
    private const string Base = "deploy/k8s/base";
    private const string Keda = "deploy/k8s/components/keda";
    private const string Production = "deploy/k8s/overlays/production";
    private static readonly string[] Consumers = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];
    /// <summary>The services KEDA scales on their queues' lag (Webhooks' work is its delivery table: CPU scaling).</summary>
    private static readonly string[] KedaScaled = ["listings", "routing", "matching", "shipments"];

    private static List<Dictionary<object, object>> BaseDocs() => DeployFiles.Documents(DeployFiles.K8sFiles(Base)).ToList();
    private static List<Dictionary<object, object>> KedaDocs() => DeployFiles.Documents(DeployFiles.K8sFiles(Keda)).ToList();
    private static List<Dictionary<object, object>> ProductionDocs() => DeployFiles.Documents(DeployFiles.K8sFiles(Production)).ToList();

    private static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> deployment) =>
        deployment.Maps("spec", "template", "spec", "containers");

    private static IEnumerable<Dictionary<object, object>> Kustomizations() =>
        Directory.EnumerateFiles(DeployFiles.PathOf("deploy/k8s"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => DeployFiles.Documents(f).Single().WithPath(f));

    [Test]
    public void Every_yaml_file_parses_into_documents_with_a_kind()
    {
        var files = DeployFiles.YamlFiles();
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            var documents = DeployFiles.Documents(file);
            Assert.That(documents, Is.Not.Empty, DeployFiles.Relative(file));
            if (file.Contains("/k8s/", StringComparison.Ordinal))
                foreach (var doc in documents)
                    Assert.That(doc.Str("kind"), Is.Not.Null.And.Not.Empty, DeployFiles.Relative(file));
        }
    }

    [Test]
    public void Every_environment_key_is_read_by_the_services()
    {
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
            foreach (var container in Containers(deployment))
            {
                var env = container.Maps("env").ToList();
                var names = env.Select(e => e.Str("name")!).ToList();
                // A variable that only feeds $(NAME) expansion in a later value (database credentials) is allowed.
                var expanded = env.Select(e => e.Str("value") ?? "").SelectMany(v => Expansion().Matches(v).Select(m => m.Groups[1].Value)).ToHashSet();
                var unknown = names.Where(n => !ConfigurationSurface.Reads(n) && !expanded.Contains(n)).ToList();
                Assert.That(unknown, Is.Empty, $"{deployment.Name()}: env");
                foreach (var helper in expanded)
                    Assert.That(names.IndexOf(helper), Is.GreaterThanOrEqualTo(0).And.LessThan(names.FindIndex(n =>
                        env[names.IndexOf(n)].Str("value")?.Contains($"$({helper})", StringComparison.Ordinal) == true)),
                        $"{deployment.Name()}: {helper} is defined before it is used");
            }
        foreach (var configMap in BaseDocs().Concat(ProductionDocs()).OfKind("ConfigMap"))
        {
            var unknown = configMap.Map("data")!.Keys.Cast<string>().Where(k => !ConfigurationSurface.Reads(k)).ToList();
            Assert.That(unknown, Is.Empty, $"ConfigMap {configMap.Name()}");
        }
    }

    /// <summary>Secrets no operator can make and the base does not list (it ships no key): the operator of the
    /// cluster creates them at install time as deploy/README.md, "Security", shows.</summary>
    private static readonly string[] InstallTimeSecrets = ["tradehub-webhooks"];

    [Test]
    public void Every_install_time_secret_is_documented_with_its_kubectl_command()
    {
        var readme = File.ReadAllText(DeployFiles.PathOf("deploy/README.md"));
        foreach (var secret in InstallTimeSecrets)
            Assert.That(readme, Does.Contain($"kubectl -n tradehub create secret generic {secret} "), secret);
    }

    [Test]
    public void The_config_map_and_secrets_the_deployments_reference_exist_or_come_from_the_operators()
    {
        var docs = BaseDocs();
        var configMaps = docs.OfKind("ConfigMap").Select(d => d.Name()).ToHashSet();
        // Secrets the operators create: each broker User's credentials (Messaging Topology Operator) and
        // CloudNativePG's database owner per cluster.
        var secrets = docs.OfKind("Secret").Select(d => d.Name())
            .Concat(docs.OfKind("User").Select(d => d.Name() + "-user-credentials"))
            .Concat(docs.OfKind("Cluster").Select(d => d.Name() + "-app"))
            .Concat(InstallTimeSecrets)
            .ToHashSet();
        foreach (var deployment in docs.OfKind("Deployment"))
            foreach (var container in Containers(deployment))
            {
                foreach (var from in container.Maps("envFrom"))
                    Assert.That(configMaps, Does.Contain(from.Str("configMapRef", "name")), deployment.Name());
                foreach (var env in container.Maps("env").Where(e => e.Map("valueFrom") is not null))
                    Assert.That(secrets, Does.Contain(env.Str("valueFrom", "secretKeyRef", "name")), $"{deployment.Name()} {env.Str("name")}");
            }
    }

    [Test]
    public void Probes_ask_health_live_and_health_ready()
    {
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
            foreach (var container in Containers(deployment))
            {
                Assert.That(container.Str("livenessProbe", "httpGet", "path"), Is.EqualTo("/health/live"), deployment.Name());
                Assert.That(container.Str("readinessProbe", "httpGet", "path"), Is.EqualTo("/health/ready"), deployment.Name());
                if (container.Map("startupProbe") is not null)
                    Assert.That(container.Str("startupProbe", "httpGet", "path"), Is.EqualTo("/health/live"), deployment.Name());
            }
    }

    [Test]
    public void Service_target_ports_are_container_ports_of_the_selected_pods()
    {
        var docs = BaseDocs();
        foreach (var service in docs.OfKind("Service"))
        {
            var selector = service.Map("spec", "selector")!;
            var pods = docs.OfKind("Deployment").Where(d =>
                selector.All(kv => d.Str("spec", "template", "metadata", "labels", (string)kv.Key) == (string)kv.Value)).ToList();
            Assert.That(pods, Has.Count.EqualTo(1), $"Service {service.Name()} selects one Deployment");
            var ports = Containers(pods[0]).SelectMany(c => c.Maps("ports")).ToList();
            foreach (var port in service.Maps("spec", "ports"))
            {
                var target = port.Str("targetPort")!;
                Assert.That(ports.Any(p => p.Str("containerPort") == target || p.Str("name") == target), Is.True,
                    $"Service {service.Name()} targetPort {target}");
            }
            Assert.That(ports.Select(p => p.Str("containerPort")), Is.EqualTo(new[] { "8080" }), pods[0].Name());
        }
    }

    [Test]
    public void Every_deployment_has_resources_probes_a_disruption_budget_and_an_autoscaler()
    {
        var docs = BaseDocs();
        var keda = KedaDocs();
        var replacedByKeda = ReplacedHpas();
        foreach (var deployment in docs.OfKind("Deployment"))
        {
            var name = deployment.Name();
            foreach (var container in Containers(deployment))
            {
                Assert.That(container.Str("resources", "requests", "cpu"), Is.Not.Null, $"{name} cpu request");
                Assert.That(container.Str("resources", "requests", "memory"), Is.Not.Null, $"{name} memory request");
                Assert.That(container.Str("resources", "limits", "memory"), Is.Not.Null, $"{name} memory limit");
                Assert.That(container.Map("livenessProbe"), Is.Not.Null, $"{name} liveness");
                Assert.That(container.Map("readinessProbe"), Is.Not.Null, $"{name} readiness");
            }
            var labels = deployment.Map("spec", "template", "metadata", "labels")!;
            Assert.That(docs.OfKind("PodDisruptionBudget").Any(p =>
                    p.Map("spec", "selector", "matchLabels")!.All(kv => labels.TryGetValue(kv.Key, out var v) && Equals(v, kv.Value))),
                Is.True, $"{name} has a PodDisruptionBudget");
            var hpa = docs.OfKind("HorizontalPodAutoscaler").SingleOrDefault(h => h.Str("spec", "scaleTargetRef", "name") == name);
            Assert.That(hpa, Is.Not.Null, $"{name} has a HorizontalPodAutoscaler in the base");
            Assert.That(hpa!.Maps("spec", "metrics").Select(m => m.Str("resource", "name")), Does.Contain("cpu"), name);
            if (replacedByKeda.Contains(name))
            {
                var scaled = keda.OfKind("ScaledObject").SingleOrDefault(s => s.Str("spec", "scaleTargetRef", "name") == name);
                Assert.That(scaled, Is.Not.Null, $"the KEDA component removes {name}'s HPA, so it must scale it");
                Assert.That(scaled!.Maps("spec", "triggers").Select(t => t.Str("type")), Does.Contain("cpu"), $"{name} keeps CPU scaling");
            }
        }
    }

    [Test]
    public void Keda_scales_the_consumer_services_on_their_own_queues()
    {
        var scaled = KedaDocs().OfKind("ScaledObject").ToList();
        Assert.That(scaled.Select(s => s.Str("spec", "scaleTargetRef", "name")), Is.EquivalentTo(KedaScaled));
        Assert.That(ReplacedHpas(), Is.EquivalentTo(KedaScaled));
        var authentications = KedaDocs().OfKind("TriggerAuthentication").Select(d => d.Name()).ToList();
        foreach (var scaledObject in scaled)
        {
            var service = scaledObject.Str("spec", "scaleTargetRef", "name")!;
            var queues = scaledObject.Maps("spec", "triggers").Where(t => t.Str("type") == "rabbitmq").ToList();
            Assert.That(queues, Is.Not.Empty, service);
            foreach (var trigger in queues)
            {
                Assert.That(trigger.Str("metadata", "queueName"), Does.StartWith(service + "-"), service);
                Assert.That(authentications, Does.Contain(trigger.Str("authenticationRef", "name")), service);
            }
        }
    }

    [Test]
    public void Keda_queue_names_are_the_consumers_each_service_registers()
    {
        foreach (var scaledObject in KedaDocs().OfKind("ScaledObject"))
        {
            var service = scaledObject.Str("spec", "scaleTargetRef", "name")!;
            var registered = ConfigurationSurface.ConsumerQueues(service);
            // A service still a skeleton on this branch registers no consumer yet; it is checked once merged.
            Assume.That(registered, Is.Not.Empty, $"{service} registers no consumers in this checkout");
            foreach (var trigger in scaledObject.Maps("spec", "triggers").Where(t => t.Str("type") == "rabbitmq"))
                Assert.That(registered, Does.Contain(trigger.Str("metadata", "queueName")), service);
        }
    }

    [Test]
    public void Consumer_services_use_quorum_queues_and_the_gateway_does_not()
    {
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
        {
            var value = Containers(deployment).SelectMany(c => c.Maps("env"))
                .Single(e => e.Str("name") == "RabbitMq__QuorumQueues").Str("value");
            // The gateway's only queue is non-durable and auto-deleted, which a quorum queue cannot be.
            Assert.That(value, Is.EqualTo(deployment.Name() == "gateway" ? "false" : "true"), deployment.Name());
        }
        var rabbit = BaseDocs().OfKind("RabbitmqCluster").Single();
        Assert.That(rabbit.Str("apiVersion"), Is.EqualTo("rabbitmq.com/v1beta1"));
        Assert.That(rabbit.Str("spec", "replicas"), Is.EqualTo("3"));
    }

    [Test]
    public void Each_service_has_its_own_three_instance_postgres_cluster()
    {
        var clusters = BaseDocs().OfKind("Cluster").ToList();
        Assert.That(clusters.Select(c => c.Str("apiVersion")).Distinct(), Is.EqualTo(new[] { "postgresql.cnpg.io/v1" }));
        foreach (var service in Consumers)
        {
            var cluster = clusters.Single(c => c.Name() == $"{service}-db");
            Assert.That(cluster.Str("spec", "instances"), Is.EqualTo("3"), service);
            Assert.That(cluster.Str("spec", "bootstrap", "initdb", "database"), Is.EqualTo($"tradehub_{service}"), service);
            var connection = Containers(BaseDocs().OfKind("Deployment").Single(d => d.Name() == service))
                .SelectMany(c => c.Maps("env")).Single(e => e.Str("name") == "ConnectionStrings__Database").Str("value")!;
            Assert.That(connection, Does.Contain($"Host={service}-db-rw;").And.Contain($"Database=tradehub_{service};"), service);
        }
    }

    [Test]
    public void Shutdown_grace_outlasts_the_bus_stop_timeout()
    {
        // The StopTimeout the services really use, read from Hosting's own registration.
        var builder = Host.CreateApplicationBuilder();
        builder.AddBus("deploy-test");
        using var provider = builder.Services.BuildServiceProvider();
        var stopTimeout = provider.GetRequiredService<IOptions<MassTransitHostOptions>>().Value.StopTimeout!.Value;
        Assert.That(stopTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
        {
            var grace = int.Parse(deployment.Str("spec", "template", "spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
            var preStop = Containers(deployment).Select(c => c.Str("lifecycle", "preStop", "sleep", "seconds")).FirstOrDefault() is { } s
                ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0;
            Assert.That(grace, Is.GreaterThanOrEqualTo(30), deployment.Name());
            Assert.That(grace, Is.GreaterThan(preStop + stopTimeout.TotalSeconds), deployment.Name());
        }
    }

    [Test]
    public void The_production_ingress_serves_only_the_gateway_and_only_over_tls()
    {
        var ingress = ProductionDocs().OfKind("Ingress").Single();
        var paths = ingress.Maps("spec", "rules").SelectMany(r => r.Maps("http", "paths")).ToList();
        Assert.That(paths.Select(p => p.Str("backend", "service", "name")).Distinct(), Is.EqualTo(new[] { "gateway" }));
        Assert.That(BaseDocs().OfKind("Service").Single(s => s.Name() == "gateway").Maps("spec", "ports").Select(p => p.Str("name")),
            Does.Contain(paths[0].Str("backend", "service", "port", "name")));
        var tlsHosts = ingress.Maps("spec", "tls").SelectMany(t => t.Seq("hosts").OfType<string>()).ToList();
        Assert.That(ingress.Maps("spec", "tls").Select(t => t.Str("secretName")), Has.All.Not.Empty);
        Assert.That(ingress.Maps("spec", "rules").Select(r => r.Str("host")), Is.SubsetOf(tlsHosts), "every host has TLS");
        Assert.That(ingress.Str("metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"), Is.EqualTo("true"));
    }

    [Test]
    public void The_base_exposes_nothing_outside_the_cluster()
    {
        Assert.That(BaseDocs().OfKind("Ingress"), Is.Empty, "the base has no Ingress; the production overlay adds one with TLS");
        foreach (var service in BaseDocs().Concat(ProductionDocs()).OfKind("Service"))
            Assert.That(service.Str("spec", "type") ?? "ClusterIP", Is.EqualTo("ClusterIP"), $"Service {service.Name()}");
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
        {
            Assert.That(deployment.Str("spec", "template", "spec", "hostNetwork"), Is.Not.EqualTo("true"), deployment.Name());
            Assert.That(Containers(deployment).SelectMany(c => c.Maps("ports")).Select(p => p.Str("hostPort")), Has.All.Null, deployment.Name());
        }
    }

    [Test]
    public void The_base_ships_the_dev_issuer_off_and_passes_the_oidc_authority_through()
    {
        var config = BaseDocs().OfKind("ConfigMap").Single(c => c.Name() == "tradehub-config");
        Assert.That(config.Str("data", "Auth__DevIssuer__Enabled"), Is.EqualTo("false"));
        Assert.That(config.Str("data", "Auth__Authority"), Does.StartWith("https://"));
        Assert.That(config.Str("data", "Auth__Audience"), Is.Not.Null.And.Not.Empty);
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
            Assert.That(Containers(deployment).SelectMany(c => c.Maps("env")).Select(e => e.Str("name")),
                Has.None.StartsWith("Auth__DevIssuer__"), $"{deployment.Name()} leaves the dev issuer to the ConfigMap (off)");
    }

    [Test]
    public void No_manifest_ships_a_secret_or_a_key_value()
    {
        var files = Directory.EnumerateFiles(DeployFiles.PathOf("deploy/k8s"), "*.yaml", SearchOption.AllDirectories).ToList();
        foreach (var file in files)
        {
            foreach (var doc in DeployFiles.Documents(file))
                Assert.That(doc.Str("kind"), Is.Not.EqualTo("Secret"), $"{DeployFiles.Relative(file)}: create secrets at install time, never from a file here");
            Assert.That(File.ReadAllText(file), Does.Not.Contain("SigningKey").And.Not.Contain("stringData"), DeployFiles.Relative(file));
        }
        foreach (var kustomization in Kustomizations())
            Assert.That(kustomization.Seq("resources").OfType<string>(), Has.None.Contains("secret"), (string)kustomization["__path"]);
        Assert.That(Kustomizations().SelectMany(k => k.Maps("secretGenerator")), Is.Empty);
    }

    [Test]
    public void Every_workload_connects_to_rabbitmq_as_its_own_user_with_the_permissions_of_the_list()
    {
        var docs = BaseDocs();
        foreach (var deployment in docs.OfKind("Deployment"))
        {
            var env = Containers(deployment).SelectMany(c => c.Maps("env")).ToList();
            foreach (var key in new[] { "RabbitMq__Username", "RabbitMq__Password" })
                Assert.That(env.Single(e => e.Str("name") == key).Str("valueFrom", "secretKeyRef", "name"),
                    Is.EqualTo($"tradehub-{deployment.Name()}-user-credentials"), $"{deployment.Name()} {key}");
        }
        Assert.That(docs.OfKind("User").Select(u => u.Str("spec", "rabbitmqClusterReference", "name")), Has.All.EqualTo("rabbitmq"));
        Assert.That(docs.OfKind("User").Select(u => u.Seq("spec", "tags").Count), Has.All.EqualTo(0), "no management or administrator tag");
        var permissions = docs.OfKind("Permission").ToList();
        var expected = BrokerPermissionsTests.Grants();
        Assert.That(permissions.Select(p => p.Str("spec", "userReference", "name")), Is.EquivalentTo(expected.Select(g => g.User)));
        var vhost = docs.OfKind("ConfigMap").Single(c => c.Name() == "tradehub-config").Str("data", "RabbitMq__VirtualHost");
        foreach (var grant in expected)
        {
            var permission = permissions.Single(p => p.Str("spec", "userReference", "name") == grant.User);
            Assert.That(permission.Str("spec", "vhost"), Is.EqualTo(vhost), grant.User);
            Assert.That(permission.Str("spec", "permissions", "configure"), Is.EqualTo(grant.Configure), $"{grant.User} configure");
            Assert.That(permission.Str("spec", "permissions", "write"), Is.EqualTo(grant.Write), $"{grant.User} write");
            Assert.That(permission.Str("spec", "permissions", "read"), Is.EqualTo(grant.Read), $"{grant.User} read");
        }
    }

    [Test]
    public void Production_pins_every_image_by_digest()
    {
        var kustomization = DeployFiles.Documents(DeployFiles.PathOf(Production + "/kustomization.yaml")).Single();
        var images = kustomization.Maps("images").ToList();
        foreach (var image in BaseDocs().OfKind("Deployment").SelectMany(Containers).Select(c => c.Str("image")!))
        {
            var name = image.Split(':')[0];
            var entry = images.SingleOrDefault(i => i.Str("name") == name);
            Assert.That(entry, Is.Not.Null, $"{name} is set by the production overlay");
            Assert.That(entry!.Str("newTag"), Is.Null, $"{name}: a digest, not a tag");
            Assert.That(entry.Str("digest"), Does.Match("^sha256:[0-9a-f]{64}$"), $"{name} digest");
        }
        // The operators' engine images: patched to a digest in production.
        foreach (var (kind, field) in new[] { ("RabbitmqCluster", "image"), ("Cluster", "imageName") })
            foreach (var engine in BaseDocs().OfKind(kind))
            {
                var pinned = ProductionDocs().OfKind(kind).Where(d => d.Name() == engine.Name()).Select(d => d.Str("spec", field)).OfType<string>();
                Assert.That(pinned, Has.Exactly(1).Match("@sha256:[0-9a-f]{64}$"), $"{kind} {engine.Name()}: image pinned by digest");
            }
    }

    [Test]
    public void Production_turns_the_dev_issuer_off_and_names_a_real_authority()
    {
        var config = ProductionDocs().OfKind("ConfigMap").Single(c => c.Name() == "tradehub-config");
        Assert.That(config.Str("data", "Auth__DevIssuer__Enabled"), Is.EqualTo("false"));
        Assert.That(config.Str("data", "Auth__Authority"), Does.StartWith("https://"));
        var scale = ProductionDocs().OfKind("Deployment").ToList();
        foreach (var deployment in BaseDocs().OfKind("Deployment"))
        {
            var patch = scale.Single(p => p.Name() == deployment.Name());
            Assert.That(int.Parse(patch.Str("spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture),
                Is.GreaterThan(int.Parse(deployment.Str("spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture)), deployment.Name());
        }
    }

    [Test]
    public void Kustomizations_list_files_that_exist()
    {
        foreach (var kustomization in Kustomizations())
        {
            var folder = Path.GetDirectoryName((string)kustomization["__path"])!;
            var listed = kustomization.Seq("resources").OfType<string>()
                .Concat(kustomization.Seq("components").OfType<string>())
                .Concat(kustomization.Maps("patches").Select(p => p.Str("path")).OfType<string>())
                .ToList();
            Assert.That(listed, Is.Not.Empty, DeployFiles.Relative(folder));
            foreach (var entry in listed)
            {
                var path = Path.GetFullPath(Path.Combine(folder, entry));
                Assert.That(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), Is.True,
                    $"{DeployFiles.Relative(folder)}/kustomization.yaml lists {entry}");
            }
            // And nothing is forgotten: every manifest in the folder is listed.
            foreach (var file in DeployFiles.K8sFiles(DeployFiles.Relative(folder)))
                Assert.That(listed.Select(e => Path.GetFullPath(Path.Combine(folder, e))), Does.Contain(file),
                    $"{DeployFiles.Relative(file)} is not in its kustomization.yaml");
        }
    }

    /// <summary>HPAs the KEDA component deletes with "$patch: delete" (inline patches).</summary>
    private static List<string> ReplacedHpas()
    {
        var component = DeployFiles.Documents(DeployFiles.PathOf(Keda + "/kustomization.yaml")).Single();
        return component.Maps("patches").Select(p => p.Str("patch")).OfType<string>()
            .Where(p => p.Contains("$patch: delete", StringComparison.Ordinal) && p.Contains("kind: HorizontalPodAutoscaler", StringComparison.Ordinal))
            .Select(p => PatchName().Match(p).Groups[1].Value)
            .ToList();
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Expansion();

    [GeneratedRegex(@"name:\s*(\S+)")]
    private static partial Regex PatchName();
}

internal static class KustomizationPath
{
    public static Dictionary<object, object> WithPath(this Dictionary<object, object> doc, string path)
    {
        doc["__path"] = path;
        return doc;
    }
}
