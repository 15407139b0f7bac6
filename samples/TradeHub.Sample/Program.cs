using Polly.Timeout;
using TradeHub.Sample;
using TradeHub.Sample.Api;

// Plays a trading day through the gateway's public API. Exit codes: 0 the day went as expected,
// 1 it ran but something did not happen (listed at the end), 2 the gateway could not be used at all.
var gatewayUrl = "http://127.0.0.1:8080";
var wait = TimeSpan.FromSeconds(60);
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--gateway" when i + 1 < args.Length:
            gatewayUrl = args[++i];
            break;
        case "--wait" when i + 1 < args.Length && int.TryParse(args[i + 1], out var seconds) && seconds > 0:
            wait = TimeSpan.FromSeconds(seconds);
            i++;
            break;
        default:
            Console.Error.WriteLine("usage: TradeHub.Sample [--gateway http://127.0.0.1:8080] [--wait 60]");
            return 2;
    }
}
if (!Uri.TryCreate(gatewayUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
{
    Console.Error.WriteLine($"error: '{gatewayUrl}' is not a URL");
    return 2;
}

using var gateway = new Gateway(baseAddress);
var day = new TradingDay(gateway, wait);
try
{
    await day.Play();
    return day.Shortfalls.Count == 0 ? 0 : 1;
}
catch (GatewayUnavailableException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (ApiException e)
{
    var answer = e.Response is { Length: > 600 } text ? text[..600] + "..." : e.Response;
    Console.Error.WriteLine($"error: the gateway answered {e.StatusCode}: {answer}");
    return 2;
}
catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
{
    Console.Error.WriteLine($"error: the gateway at {baseAddress} did not answer ({e.Message})");
    return 2;
}
