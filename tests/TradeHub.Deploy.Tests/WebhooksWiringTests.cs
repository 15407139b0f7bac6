using System.Text.Json;

namespace TradeHub.Deploy.Tests;

/// <summary>
/// Webhooks refuses to start outside Development without the key that encrypts its signing secrets, and is
/// reached only through the gateway: every way of running it must give it the key and route /api/webhooks to it.
/// </summary>
public sealed class WebhooksWiringTests
{
    [Test]
    public void The_gateway_routes_the_webhooks_api_to_the_webhooks_cluster_and_checks_its_readiness()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DeployFiles.PathOf("src/Gateway/TradeHub.Gateway/appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var proxy = json.RootElement.GetProperty("ReverseProxy");
        var routes = proxy.GetProperty("Routes").EnumerateObject().Select(r => r.Value)
            .Where(r => r.GetProperty("Match").GetProperty("Path").GetString()!.StartsWith("/api/webhooks", StringComparison.Ordinal))
            .ToList();
        Assert.That(routes, Is.Not.Empty);
        Assert.That(routes.Select(r => r.GetProperty("ClusterId").GetString()), Is.All.EqualTo("webhooks"));
        Assert.That(routes.Select(r => r.GetProperty("AuthorizationPolicy").GetString()), Is.All.EqualTo("default"));
        Assert.That(proxy.GetProperty("Clusters").TryGetProperty("webhooks", out _), Is.True);
        Assert.That(json.RootElement.GetProperty("Services").TryGetProperty("Webhooks", out _), Is.True);
    }

    [Test]
    public void Compose_and_kubernetes_give_webhooks_its_secret_key_and_no_private_address_allowance()
    {
        var compose = DeployFiles.Documents(DeployFiles.PathOf("deploy/compose/compose.yaml")).Single().Map("services", "webhooks");
        Assert.That(compose.Map("environment").Str("Webhooks__SecretKey"), Is.Not.Null.And.Not.Empty);
        Assert.That(compose.Map("environment")!.ContainsKey("Webhooks__AllowPrivateAddresses"), Is.False);

        var deployment = DeployFiles.Documents(DeployFiles.K8sFiles("deploy/k8s/base")).OfKind("Deployment").Single(d => d.Name() == "webhooks");
        var env = deployment.Maps("spec", "template", "spec", "containers").SelectMany(c => c.Maps("env")).ToList();
        Assert.That(env.Single(e => e.Str("name") == "Webhooks__SecretKey").Str("valueFrom", "secretKeyRef", "name"), Is.EqualTo("tradehub-webhooks"));
        Assert.That(env.Select(e => e.Str("name")), Has.None.EqualTo("Webhooks__AllowPrivateAddresses"));
    }

    [Test]
    public void The_local_scripts_start_webhooks_with_a_key_and_its_own_database()
    {
        var up = File.ReadAllText(DeployFiles.PathOf("deploy/local/up.sh"));
        Assert.That(up, Does.Contain("SERVICES=(listings routing matching shipments webhooks tenders pools gateway)"));
        Assert.That(up, Does.Contain("Webhooks__SecretKey="));
        Assert.That(up, Does.Contain("\"${DB_PREFIX}webhooks\""));
        Assert.That(File.ReadAllText(DeployFiles.PathOf("deploy/local/down.sh")), Does.Contain("webhooks"));
        Assert.That(File.ReadAllText(DeployFiles.PathOf("deploy/compose/initdb/01-tradehub-databases.sql")),
            Does.Contain("CREATE DATABASE tradehub_webhooks OWNER webhooks;"));
    }
}
