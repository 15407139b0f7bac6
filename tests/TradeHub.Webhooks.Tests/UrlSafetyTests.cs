using System.Net;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using TradeHub.Webhooks.Subscriptions;

namespace TradeHub.Webhooks.Tests;

/// <summary>Which addresses a webhook may be sent to, in process.</summary>
public sealed class UrlSafetyTests
{
    [TestCase("127.0.0.1")]
    [TestCase("127.8.9.10")]
    [TestCase("10.0.0.1")]
    [TestCase("172.16.0.1")]
    [TestCase("172.31.255.255")]
    [TestCase("192.168.1.1")]
    [TestCase("169.254.169.254")]
    [TestCase("100.100.100.200")]
    [TestCase("0.0.0.0")]
    [TestCase("224.0.0.1")]
    [TestCase("::1")]
    [TestCase("fe80::1")]
    [TestCase("fd00:ec2::254")]
    [TestCase("::ffff:10.0.0.1")]
    [TestCase("::ffff:127.0.0.1")]
    public void Internal_addresses_are_refused(string address) =>
        Assert.That(UrlSafety.IsInternal(IPAddress.Parse(address)), Is.True);

    [TestCase("8.8.8.8")]
    [TestCase("172.32.0.1")]
    [TestCase("193.0.6.139")]
    [TestCase("2001:4860:4860::8888")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.That(UrlSafety.IsInternal(IPAddress.Parse(address)), Is.False);

    [Test]
    public async Task Outside_development_plain_http_is_refused_and_loopback_is_refused_unless_allowed()
    {
        var production = new UrlSafety(new WebhooksOptions(), new Environment("Production"));
        Assert.That(await production.Refusal("http://example.org/hook", CancellationToken.None), Does.Contain("https"));
        Assert.That(await production.Refusal("https://127.0.0.1/hook", CancellationToken.None), Does.Contain("127.0.0.1"));
        var allowing = new UrlSafety(new WebhooksOptions { AllowPrivateAddresses = true }, new Environment("Development"));
        Assert.That(await allowing.Refusal("http://127.0.0.1:9/hook", CancellationToken.None), Is.Null);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
