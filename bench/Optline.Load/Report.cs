using System.Globalization;
using System.Text;

namespace Optline.Load;

/// <summary>One line of the table: a figure, the baseline measured beside it in the same run, and the issue's goal.</summary>
public sealed record Row(string Id, string Figure, string Value, string Baseline = "", string Ratio = "", string Goal = "", bool? Met = null, string Detail = "")
{
    public string Verdict => Met switch { true => "met", false => "NOT met", null => "" };
}

/// <summary>Collects rows as phases finish and prints the one table at the end (and as Markdown when asked).</summary>
public sealed class Report
{
    private readonly List<Row> _rows = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        _rows.Add(row);
        Log.Line($"  = {row.Id} {row.Figure}: {row.Value}{(row.Baseline.Length > 0 ? $" | baseline {row.Baseline}" : "")}{(row.Ratio.Length > 0 ? $" | {row.Ratio}" : "")}{(row.Goal.Length > 0 ? $" | goal {row.Goal}: {row.Verdict}" : "")}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Log.Line("  note: " + note);
    }

    public string Text(string header)
    {
        string[] titles = ["id", "figure", "value", "baseline (same run)", "ratio", "goal", "verdict"];
        var cells = _rows.Select(r => new[] { r.Id, r.Figure, r.Value, r.Baseline, r.Ratio, r.Goal, r.Verdict }).ToList();
        var widths = titles.Select((t, i) => Math.Max(t.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(header);
        text.AppendLine(string.Join("  ", titles.Select((t, i) => t.PadRight(widths[i]))).TrimEnd());
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var c in cells)
        {
            text.AppendLine(string.Join("  ", c.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }

        foreach (var r in _rows.Where(r => r.Detail.Length > 0))
        {
            text.AppendLine($"{r.Id}: {r.Detail}");
        }

        foreach (var note in _notes)
        {
            text.AppendLine("note: " + note);
        }

        return text.ToString();
    }

    public string Markdown(string header)
    {
        var text = new StringBuilder();
        text.AppendLine(header).AppendLine();
        text.AppendLine("| id | figure | value | baseline (same run) | ratio | goal | verdict |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {r.Figure} | {r.Value} | {r.Baseline} | {r.Ratio} | {r.Goal} | {r.Verdict} |");
        }

        text.AppendLine();
        foreach (var r in _rows.Where(r => r.Detail.Length > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Id}: {r.Detail}");
        }

        foreach (var note in _notes)
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }
}

/// <summary>Progress on stderr, so stdout carries only the table.</summary>
public static class Log
{
    private static readonly long Start = System.Diagnostics.Stopwatch.GetTimestamp();

    public static void Line(string text) =>
        Console.Error.WriteLine($"[{System.Diagnostics.Stopwatch.GetElapsedTime(Start).TotalSeconds,6:0.0}s] {text}");
}

/// <summary>Number formatting for the table.</summary>
public static class Fmt
{
    public static string N(double value, int decimals = 0) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Rate(double perSecond, string unit = "/s") => N(perSecond) + unit;

    public static string Ms(double ms) => ms < 1 ? N(ms, 3) + " ms" : ms < 10 ? N(ms, 2) + " ms" : N(ms, 1) + " ms";

    public static string Ratio(double value) => "×" + N(value, value < 1 ? 3 : 2);

    public static string Bytes(double bytes) => bytes >= 1e6 ? N(bytes / 1e6, 1) + " MB" : N(bytes) + " B";

    public static string Pct(double fraction) => N(fraction * 100, 2) + " %";
}
