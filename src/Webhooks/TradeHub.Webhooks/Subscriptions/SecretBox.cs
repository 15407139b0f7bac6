using System.Security.Cryptography;
using System.Text;

namespace TradeHub.Webhooks.Subscriptions;

/// <summary>
/// Makes and keeps the signing secrets: whsec_ and 32 random bytes (base64), stored as AES-GCM ciphertext bound
/// to its subscription's id, so a row copied onto another subscription does not decrypt.
/// </summary>
public sealed class SecretBox
{
    public const string Prefix = "whsec_";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretBox(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("The webhook secret key must be 32 bytes.", nameof(key));
        _key = key;
    }

    /// <summary>
    /// The key from Webhooks:SecretKey (base64 of 32 bytes). Without one, Development gets a fixed key so local
    /// runs survive restarts; anywhere else the service refuses to start.
    /// </summary>
    public static SecretBox FromConfiguration(WebhooksOptions options, bool development)
    {
        if (!string.IsNullOrEmpty(options.SecretKey))
        {
            byte[] key;
            try { key = Convert.FromBase64String(options.SecretKey); }
            catch (FormatException) { throw new InvalidOperationException("Webhooks:SecretKey is not base64."); }
            if (key.Length != 32)
                throw new InvalidOperationException($"Webhooks:SecretKey must be 32 bytes (base64); it is {key.Length}.");
            return new SecretBox(key);
        }
        if (!development)
            throw new InvalidOperationException(
                "Webhooks:SecretKey (base64 of 32 random bytes) is required outside Development: it encrypts the signing secrets.");
        return new SecretBox(SHA256.HashData("tradehub-webhooks-development-key-not-for-production"u8));
    }

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public byte[] Seal(Guid subscriptionId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length),
            sealedBytes.AsSpan(NonceSize + plain.Length), subscriptionId.ToByteArray());
        return sealedBytes;
    }

    public string Open(Guid subscriptionId, byte[] sealedBytes)
    {
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length),
            sealedBytes.AsSpan(NonceSize + length), plain, subscriptionId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}
