using System.Text;

namespace Optline.Faults;

/// <summary>Everything the server printed on stdout and stderr, across every restart of a run; also written to a file.</summary>
public sealed class ServerLog(string path)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public void Append(string line)
    {
        lock (_lock)
        {
            _text.Append(line).Append('\n');
            File.AppendAllText(Path, line + "\n");
        }
    }

    /// <summary>The last <paramref name="characters"/> characters, for an error message.</summary>
    public string Tail(int characters = 3000)
    {
        var text = Text;
        return text.Length <= characters ? text : text[^characters..];
    }
}
