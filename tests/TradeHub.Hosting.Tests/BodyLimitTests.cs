using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;

namespace TradeHub.Hosting.Tests;

/// <summary>
/// On real Kestrel, over one raw keep-alive connection: a body over the limit is a 413 problem document whatever else
/// is wrong with the request, and the connection still carries the next request. Before, a bad token was answered
/// 401 first; Kestrel then failed to drain the unread body and dropped the connection under the client's next request.
/// </summary>
public sealed class BodyLimitTests
{
    private const int Limit = 1024;
    private WebApplication _app = null!;
    private Uri _address = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(BodyLimitTests).Assembly.GetName().Name,
            EnvironmentName = "Test",
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        builder.AddServiceDefaults("body-limit-test");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Limit);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapPost("/api/things", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Sme);
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    [TestCase("Bearer garbage")]
    [TestCase(null)]
    public async Task An_oversized_body_is_a_413_and_the_connection_carries_the_next_request(string? authorization)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();

        await Send(stream, Post(new string('x', 200 * Limit), authorization));
        var refused = await Answer.Read(stream);
        Assert.That(refused.Status, Is.EqualTo(413));
        Assert.That(refused.Header("Content-Type"), Does.StartWith("application/problem+json"));
        Assert.That(refused.Body, Does.Contain("The limit is 1024 bytes."));
        Assert.That(refused.Header("Connection"), Is.Null, "a body Kestrel can drain keeps the connection");

        await Send(stream, "GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.That((await Answer.Read(stream)).Status, Is.EqualTo(200), "the same connection answers the next request");
    }

    [Test]
    public async Task A_body_too_large_to_drain_is_a_413_that_closes_the_connection()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();

        // Only the headers: the declared length alone decides.
        var declared = BodyLimit.DrainedAfterRefusal + 1;
        await Send(stream, $"POST /api/things HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n");
        var refused = await Answer.Read(stream);
        Assert.That(refused.Status, Is.EqualTo(413));
        Assert.That(refused.Header("Connection"), Is.EqualTo("close"));
    }

    [Test]
    public async Task A_body_within_the_limit_with_a_bad_token_is_a_401_on_a_connection_that_stays_open()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();

        await Send(stream, Post(new string('x', Limit / 2), "Bearer garbage"));
        Assert.That((await Answer.Read(stream)).Status, Is.EqualTo(401));
        await Send(stream, "GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.That((await Answer.Read(stream)).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task A_chunked_body_over_the_limit_refused_unread_leaves_the_connection_open()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();

        // No declared length: a bad token is the first refusal, and the body over the limit is never read by the app.
        var chunk = new string('x', 8 * Limit);
        var body = new StringBuilder();
        for (var i = 0; i < 25; i++) body.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        await Send(stream, "POST /api/things HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer garbage\r\n" +
                           $"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{body}0\r\n\r\n");
        Assert.That((await Answer.Read(stream)).Status, Is.EqualTo(401));
        await Send(stream, "GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.That((await Answer.Read(stream)).Status, Is.EqualTo(200), "the same connection answers the next request");
    }

    private static string Post(string text, string? authorization)
    {
        var body = $"{{\"x\":\"{text}\"}}";
        var auth = authorization is null ? "" : $"Authorization: {authorization}\r\n";
        return $"POST /api/things HTTP/1.1\r\nHost: test\r\n{auth}Content-Type: application/json\r\n" +
               $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
    }

    private static async Task Send(NetworkStream stream, string request) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));

    /// <summary>One HTTP/1.1 answer read off the wire: status line, headers, and a Content-Length or chunked body.</summary>
    private sealed record Answer(int Status, Dictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);

        public static async Task<Answer> Read(NetworkStream stream)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var head = await ReadLine(stream, timeout.Token);
            var status = int.Parse(head.Split(' ')[1]);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var line = await ReadLine(stream, timeout.Token); line.Length > 0; line = await ReadLine(stream, timeout.Token))
            {
                var colon = line.IndexOf(':');
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }
            var body = new StringBuilder();
            if (headers.TryGetValue("Content-Length", out var length))
                body.Append(await ReadText(stream, int.Parse(length), timeout.Token));
            else if (headers.GetValueOrDefault("Transfer-Encoding") == "chunked")
            {
                for (var size = Convert.ToInt32(await ReadLine(stream, timeout.Token), 16); size > 0;
                     size = Convert.ToInt32(await ReadLine(stream, timeout.Token), 16))
                {
                    body.Append(await ReadText(stream, size, timeout.Token));
                    await ReadLine(stream, timeout.Token);
                }
                await ReadLine(stream, timeout.Token);
            }
            return new Answer(status, headers, body.ToString());
        }

        private static async Task<string> ReadLine(NetworkStream stream, CancellationToken ct)
        {
            var line = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                if (await stream.ReadAsync(one, ct) == 0) throw new IOException("The server closed the connection.");
                if (one[0] == '\n') return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
                line.Add(one[0]);
            }
        }

        private static async Task<string> ReadText(NetworkStream stream, int length, CancellationToken ct)
        {
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, ct);
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
