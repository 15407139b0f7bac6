// Exit 0 when GET <url> answers 2xx within the timeout, 1 otherwise. Used as the container HEALTHCHECK
// (the chiseled runtime image has no curl). Usage: dotnet TradeHub.HealthProbe.dll [url]
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:8080/health/live";
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
try
{
    using var response = await http.GetAsync(url);
    Console.WriteLine($"{url} {(int)response.StatusCode}");
    return response.IsSuccessStatusCode ? 0 : 1;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
{
    Console.WriteLine($"{url} {e.Message}");
    return 1;
}
