using System.Net;
using System.Net.Sockets;

namespace TradeHub.Webhooks.Subscriptions;

/// <summary>
/// Where a webhook may be sent. An endpoint that resolves to loopback, private, link-local (cloud metadata
/// at 169.254.169.254 among them), shared, multicast or unspecified addresses would let a subscriber make this
/// service call into its own network, so it is refused unless the operator allows it (local runs and tests).
/// Checked when a URL is given and again at every connection, on the address actually connected to, so a DNS
/// answer that changes later does not get around it.
/// </summary>
public sealed class UrlSafety(WebhooksOptions options, IHostEnvironment environment)
{
    public bool RequireHttps { get; } = !environment.IsDevelopment();

    /// <summary>Why the URL may not be used, or null when it may (the host resolves and every address is allowed).</summary>
    public async Task<string?> Refusal(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "'url' is required.";
        if (url.Length > 2000) return "'url' must be at most 2000 characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "'url' must be an absolute http or https URL.";
        if (RequireHttps && uri.Scheme != Uri.UriSchemeHttps) return "'url' must use https.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "'url' must not carry credentials.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "'url' must not have a fragment.";
        IPAddress[] addresses;
        try
        {
            addresses = await Resolve(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "'url' names a host that does not resolve.";
        }
        if (addresses.Length == 0) return "'url' names a host that does not resolve.";
        if (!options.AllowPrivateAddresses && addresses.FirstOrDefault(IsInternal) is { } inner)
            return $"'url' resolves to {inner}, a loopback, private, link-local or otherwise internal address.";
        return null;
    }

    private static async Task<IPAddress[]> Resolve(string host, CancellationToken ct) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>
    /// The delivery client's connect step: resolves the host, refuses internal addresses (unless allowed) and
    /// connects to the first allowed address, so the address checked is the address used.
    /// </summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Resolve(context.DnsEndPoint.Host, ct);
        var allowed = options.AllowPrivateAddresses ? addresses : addresses.Where(a => !IsInternal(a)).ToArray();
        if (allowed.Length == 0)
            throw new RefusedAddressException($"{context.DnsEndPoint.Host} resolves to no address a webhook may be sent to.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127, // shared address space (carrier-grade NAT), Alibaba's metadata
                169 => b[1] == 254, // link-local, cloud metadata
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true, // multicast and reserved
                _ => false,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                   || (b[0] & 0xfe) == 0xfc // unique local fc00::/7 (AWS metadata fd00:ec2::254 among them)
                   || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // documentation
                   || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) // NAT64 can reach IPv4 internals
                   || address.IsIPv4MappedToIPv6;
        }
        return true;
    }
}

/// <summary>The endpoint resolved only to addresses a webhook may not be sent to.</summary>
public sealed class RefusedAddressException(string message) : Exception(message);
