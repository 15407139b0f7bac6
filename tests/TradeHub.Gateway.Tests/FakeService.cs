using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TradeHub.Gateway.Tests;

/// <summary>
/// A stand-in for a downstream service on a free loopback port: it echoes what reached it (so a test sees
/// which service YARP chose and which headers it forwarded), sleeps when asked (?delayMs=), and serves a
/// small OpenAPI document that names its own address.
/// </summary>
public sealed class FakeService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeService(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<FakeService> Start(string name)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--urls", "http://127.0.0.1:0"],
            EnvironmentName = "FakeService",
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // Like a real service's default document, it names the address the request reached as its server.
        app.MapGet("/openapi/v1.json", (HttpContext http) => Results.Text("""
            {"openapi":"3.1.1","info":{"title":"NAME","version":"v1"},
             "servers":[{"url":"http://HOST/"}],
             "paths":{"/api/NAME-things":{"servers":[{"url":"http://HOST/"}],
                                          "get":{"servers":[{"url":"http://HOST/"}],"responses":{"200":{"description":"OK"}}}}},
             "components":{"schemas":{"NAMEThing":{"type":"object"}}}}
            """.Replace("NAME", name).Replace("HOST", http.Request.Host.Value), "application/json"));
        app.Map("/{**path}", async (HttpContext http) =>
        {
            if (int.TryParse(http.Request.Query["delayMs"], out var delay))
                await Task.Delay(delay, http.RequestAborted);
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            return Results.Json(new Echo(name, http.Request.Method, http.Request.Path.Value ?? "",
                http.Request.Headers.Authorization.ToString(), http.Request.Headers["traceparent"].ToString(),
                body.Length));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeService(app, address.TrimEnd('/') + "/");
    }

    /// <summary>A loopback address nothing listens on: a service that is down.</summary>
    public static string DownAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What a fake service saw.</summary>
public sealed record Echo(string Service, string Method, string Path, string Authorization, string TraceParent, int BodyLength);
