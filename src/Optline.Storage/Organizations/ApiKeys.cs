using System.Security.Cryptography;
using System.Text;

namespace Optline.Storage.Organizations;

/// <summary>API keys are random, shown once, and stored only as a SHA-256 hash.</summary>
public static class ApiKeys
{
    public static string NewKey(string kind) =>
        $"olk_{kind}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}";

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Enough of the key to recognise it in a list, never enough to use it.</summary>
    public static string Prefix(string key) => key.Length <= 12 ? key[..Math.Min(4, key.Length)] : key[..12];
}

/// <summary>Who a key acts for: an admin for the organization, or one line.</summary>
public sealed record Principal(long OrganizationId, long? LineId)
{
    public bool IsAdmin => LineId is null;
}

public sealed record Line(long Id, long OrganizationId, string Number, string DisplayName, DateTimeOffset CreatedAt);

public sealed record Organization(long Id, string Name);
