using TradeHub.Gateway.Docs;
using Yarp.ReverseProxy.Forwarder;

namespace TradeHub.Gateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>YARP with routes and clusters from the ReverseProxy section (appsettings.json).</summary>
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .SanitiseServiceDocuments();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, ServiceHttpClientFactory>();
        return builder;
    }

    /// <summary>Maps the proxy; errors towards a service become problem answers (503 away, 504 too slow).</summary>
    public static WebApplication MapProxy(this WebApplication app)
    {
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(ForwarderProblems.Answer);
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }
}

/// <summary>
/// YARP's client with a short connect timeout: a service host that is down (not just refusing) should cost the
/// caller a quick 503, not the operating system's minute-long connect attempt.
/// </summary>
internal sealed class ServiceHttpClientFactory(IConfiguration configuration) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = configuration.GetValue("Proxy:ConnectTimeout", TimeSpan.FromSeconds(3));
    }
}
