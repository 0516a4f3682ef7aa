using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Optline.Storage.Database;

/// <summary>
/// Version 7 UUIDs (RFC 9562: milliseconds since the epoch, then random bits), as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// makes them, from a per-thread buffer of cryptographically secure random bytes refilled 4 KB at a time.
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> asks the kernel for 16 bytes at every call; the writer made
/// one such system call for nearly every event.
/// </summary>
public static class TimeOrderedIds
{
    private const int RandomBytesPerId = 10;
    private const int BufferSize = 4096 / RandomBytesPerId * RandomBytesPerId;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static Guid New(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = at.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], milliseconds << 16);
        NextRandom().CopyTo(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static ReadOnlySpan<byte> NextRandom()
    {
        var buffer = t_random ??= new byte[BufferSize];
        if (t_used == 0 || t_used == BufferSize)
        {
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }

        var random = buffer.AsSpan(t_used, RandomBytesPerId);
        t_used += RandomBytesPerId;
        return random;
    }
}
