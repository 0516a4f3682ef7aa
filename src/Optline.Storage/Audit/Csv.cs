using System.Text;

namespace Optline.Storage.Audit;

/// <summary>RFC 4180 CSV: quote a field when needed; read a row that may span lines inside quotes.</summary>
public static class Csv
{
    /// <summary>Quotes exactly, never alters: an audit export must reproduce every byte its hashes cover.</summary>
    public static string Quote(string value) => value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>
    /// For files people open in a spreadsheet: a text that would run as a formula (=, @, or + and - not followed by a
    /// digit, so phone numbers stay as they are) gets a leading apostrophe.
    /// </summary>
    public static string QuoteForSpreadsheet(string value)
    {
        var formula = value.Length > 0 && (value[0] is '=' or '@' || (value[0] is '+' or '-' && (value.Length == 1 || !char.IsAsciiDigit(value[1]))));
        return Quote(formula ? "'" + value : value);
    }

    /// <summary>Reads one row, character by character, so a quoted field keeps its line breaks exactly; null at the end.</summary>
    public static Task<List<string>?> ReadRowAsync(TextReader reader, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (reader.Peek() < 0)
        {
            return Task.FromResult<List<string>?>(null);
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                if (quoted)
                {
                    throw new FormatException("A quoted CSV field is never closed.");
                }

                fields.Add(field.ToString());
                return Task.FromResult<List<string>?>(fields);
            }

            var c = (char)next;
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    reader.Read();
                    field.Append('"');
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(field.ToString());
                return Task.FromResult<List<string>?>(fields);
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
