using System.Security.Claims;
using Optline.Storage.Database;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Auth;

/// <summary>
/// Turns an API key into a session key id (the hex SHA-256 of the key, which is how the key is stored) and checks on
/// each request that the key behind a session still exists, is not revoked and still acts for the same principal.
/// </summary>
public sealed class SessionKeys(OptlineDatabase database)
{
    public static string KeyIdOf(string apiKey) => Convert.ToHexStringLower(ApiKeys.Hash(apiKey));

    public async Task<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var principal = user.TryGetPrincipal();
        var keyId = user.FindFirstValue(WebSession.KeyIdClaim);
        if (principal is null || keyId is null || keyId.Length != 64)
        {
            return false;
        }

        byte[] hash;
        try
        {
            hash = Convert.FromHexString(keyId);
        }
        catch (FormatException)
        {
            return false;
        }

        var current = await database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT organization_id, line_id FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL").With("@hash", hash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? new Principal(reader.GetInt64(0), reader.GetNullableInt64(1)) : null;
        }, ct);
        return current == principal;
    }
}
