using System.Globalization;
using System.Text;

namespace Optline.Faults;

/// <summary>
/// What one fault run did and whether every invariant held. <see cref="Events"/>: acknowledged inbound messages and API
/// sends; <see cref="AtLeastOnceResends"/>: a send repeated because the process died (or the database went away) after
/// the carrier accepted it and before "sent" was committed — the documented at-least-once window, counted apart.
/// </summary>
public sealed record RunReport
{
    public required string Fault { get; init; }

    public required string Database { get; init; }

    public required int Runs { get; init; }

    public required int Events { get; init; }

    public required int CarrierSends { get; init; }

    public required int Lost { get; init; }

    public required int SentAfterStop { get; init; }

    public required int DuplicateSideEffects { get; init; }

    public required int AtLeastOnceResends { get; init; }

    public required IReadOnlyList<string> Violations { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required TimeSpan Duration { get; init; }

    public bool Holds => Violations.Count == 0;

    public static string TableHeader =>
        "| fault | database | runs | events | carrier sends | lost | sent after STOP | duplicate side effects | at-least-once resends | duration |\n" +
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|";

    public string TableRow => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Database} | {Runs} | {Events} | {CarrierSends} | {Lost} | {SentAfterStop} | {DuplicateSideEffects} | {AtLeastOnceResends} | {Duration.TotalSeconds:0} s |");

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(TableHeader).AppendLine(TableRow);
        if (Violations.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{Violations.Count} violation(s):");
            foreach (var violation in Violations.Take(40))
            {
                text.AppendLine("  - " + violation);
            }
        }

        foreach (var note in Notes)
        {
            text.AppendLine("  note: " + note);
        }

        return text.ToString();
    }
}
