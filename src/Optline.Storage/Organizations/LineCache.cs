using System.Collections.Concurrent;

namespace Optline.Storage.Organizations;

/// <summary>
/// Lines by number and by id, kept for a few seconds: every webhook and API send starts by looking its line up,
/// and lines almost never change. A rename on this node is seen at once; on another node within <see cref="Lifetime"/>.
/// </summary>
internal sealed class LineCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _byNumber = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Entry> _byId = new();

    public Line? ByNumber(string number) => Fresh(_byNumber, number);

    public Line? ById(long id) => Fresh(_byId, id);

    public Line? Remember(Line? line)
    {
        if (line is not null)
        {
            var entry = new Entry(line, time.GetUtcNow() + Lifetime);
            _byNumber[line.Number] = entry;
            _byId[line.Id] = entry;
        }

        return line;
    }

    public void Forget(long id)
    {
        if (_byId.TryRemove(id, out var entry))
        {
            _byNumber.TryRemove(entry.Line.Number, out _);
        }
    }

    private Line? Fresh<TKey>(ConcurrentDictionary<TKey, Entry> entries, TKey key)
        where TKey : notnull =>
        entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? entry.Line : null;

    private readonly record struct Entry(Line Line, DateTimeOffset ExpiresAt);
}
