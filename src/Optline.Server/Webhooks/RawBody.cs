namespace Optline.Server.Webhooks;

/// <summary>Reads a request body whole (within the server's 64 KB limit) so its signature and hash cover the exact bytes.</summary>
public static class RawBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
