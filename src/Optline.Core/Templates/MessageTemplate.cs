using System.Text;

namespace Optline.Core.Templates;

/// <summary>The values a template may name.</summary>
public readonly record struct TemplateValues(string UserName, string OrganizationName, string ContactNumber);

/// <summary>
/// A template text parsed once into literal and variable parts, so rendering is a single pass.
/// Parsing refuses an empty text, an unknown variable and an unclosed brace.
/// </summary>
public sealed class MessageTemplate
{
    public const int MaxLength = 1600;

    public static readonly IReadOnlyList<string> Variables = ["UserName", "OrganizationName", "ContactNumber"];

    private readonly Part[] _parts;
    private readonly int _literalLength;

    private MessageTemplate(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
        _literalLength = parts.Where(p => p.Variable < 0).Sum(p => p.Literal!.Length);
    }

    public string Text { get; }

    public static MessageTemplate Parse(string? text) =>
        TryParse(text, out var template, out var error) ? template : throw new TemplateException(error);

    public static bool TryParse(string? text, out MessageTemplate template, out string error)
    {
        template = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A template text cannot be empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"A template text is at most {MaxLength} characters; this one has {text.Length}.";
            return false;
        }

        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('{', i);
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            literal.Append(text, i, open - i);
            var close = text.IndexOf('}', open + 1);
            if (close < 0)
            {
                error = $"The brace at position {open} is never closed. Variables are written {{UserName}}, {{OrganizationName}} or {{ContactNumber}}.";
                return false;
            }

            var name = text.Substring(open + 1, close - open - 1);
            var index = IndexOfVariable(name);
            if (index < 0)
            {
                error = $"Unknown variable {{{name}}}. Known variables: {{UserName}}, {{OrganizationName}}, {{ContactNumber}}.";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), -1));
                literal.Clear();
            }

            parts.Add(new Part(null, index));
            i = close + 1;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), -1));
        }

        template = new MessageTemplate(text, [.. parts]);
        error = string.Empty;
        return true;
    }

    public string Render(in TemplateValues values)
    {
        if (_parts.Length == 1 && _parts[0].Variable < 0)
        {
            return _parts[0].Literal!;
        }

        var length = _literalLength;
        foreach (var part in _parts)
        {
            if (part.Variable >= 0)
            {
                length += ValueOf(part.Variable, values).Length;
            }
        }

        return string.Create(length, (this, values), static (span, state) =>
        {
            var (template, values) = state;
            foreach (var part in template._parts)
            {
                var piece = part.Variable >= 0 ? ValueOf(part.Variable, values) : part.Literal!;
                piece.AsSpan().CopyTo(span);
                span = span[piece.Length..];
            }
        });
    }

    private static int IndexOfVariable(string name)
    {
        for (var v = 0; v < Variables.Count; v++)
        {
            if (string.Equals(Variables[v], name, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return -1;
    }

    private static string ValueOf(int variable, in TemplateValues values) => variable switch
    {
        0 => values.UserName,
        1 => values.OrganizationName,
        _ => values.ContactNumber,
    };

    private readonly record struct Part(string? Literal, int Variable);
}

public sealed class TemplateException(string message) : Exception(message);
