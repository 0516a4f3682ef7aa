using System.Collections.Concurrent;
using System.Text;

namespace Optline.Storage.Database;

/// <summary>
/// A statement's named parameters (<c>@name</c>) rewritten once per SQL text to PostgreSQL's positional ones
/// (<c>$1</c>, <c>$2</c>, …). Npgsql sends a command whose parameters are all positional as it is; named ones it
/// looks for in the text and rewrites on every run, which under load took a twentieth of the process's CPU, most of
/// it for the 304 parameters of a 16-record attestation insert. A text of several statements keeps its names
/// (Npgsql splits it). The first 2,048 texts are remembered; any beyond are rewritten on each use.
/// </summary>
internal sealed class PositionalSql
{
    private const int MaxCached = 2048;
    private static readonly ConcurrentDictionary<string, PositionalSql?> Cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _positions;

    private PositionalSql(string text, string[] names)
    {
        Text = text;
        Names = names;
        _positions = names.Select((name, position) => (name, position)).ToDictionary(p => p.name, p => p.position, StringComparer.Ordinal);
    }

    public string Text { get; }

    /// <summary>The parameters' names, in the order of their positions.</summary>
    public string[] Names { get; }

    /// <summary>Where <paramref name="name"/> is bound (<paramref name="likely"/> is tried first); -1 when the text does not use it.</summary>
    public int PositionOf(string name, int likely) =>
        likely < Names.Length && Names[likely] == name ? likely
        : _positions.GetValueOrDefault(name, -1);

    /// <summary>The positional form of <paramref name="sql"/>, or null when it must keep its names.</summary>
    public static PositionalSql? For(string sql)
    {
        if (Cache.TryGetValue(sql, out var cached))
        {
            return cached;
        }

        var rewritten = Rewrite(sql);
        if (Cache.Count < MaxCached)
        {
            Cache.TryAdd(sql, rewritten);
        }

        return rewritten;
    }

    private static PositionalSql? Rewrite(string sql)
    {
        var text = new StringBuilder(sql.Length);
        var names = new List<string>();
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var end = sql.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return null;
                }

                text.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == ';' && sql.AsSpan(i + 1).Trim().Length > 0)
            {
                return null;
            }
            else if (c == '@' && i + 1 < sql.Length && IsNameStart(sql[i + 1]))
            {
                var end = i + 1;
                while (end < sql.Length && IsNamePart(sql[end]))
                {
                    end++;
                }

                var name = sql[i..end];
                var position = names.IndexOf(name);
                if (position < 0)
                {
                    names.Add(name);
                    position = names.Count - 1;
                }

                text.Append('$').Append(position + 1);
                i = end - 1;
            }
            else
            {
                text.Append(c);
            }
        }

        return names.Count == 0 ? null : new PositionalSql(text.ToString(), [.. names]);
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
