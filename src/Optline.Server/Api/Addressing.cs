using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Storage.Organizations;

namespace Optline.Server.Api;

/// <summary>Turns <c>line=</c>, <c>contact=</c> and <c>channel=</c> into a line of the caller's organization, an E.164 number and a channel.</summary>
public sealed class Addressing(OrganizationStore organizations)
{
    /// <summary>A line by number (any format) or id, visible to the principal; else the problem to return.</summary>
    public async Task<(Line? Line, ProblemHttpResult? Problem)> LineAsync(Principal principal, string? reference, string field, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            if (principal.LineId is { } own)
            {
                return (await organizations.FindLineByIdAsync(own, ct), null);
            }

            return (null, Problems.Validation($"{field} is required: the line's number or id.", field));
        }

        Line? line = null;
        if (reference.Length < 10 && long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            line = await organizations.FindLineByIdAsync(id, ct);
        }
        else if (PhoneNumbers.TryNormalize(reference, out var number, out var error))
        {
            line = await organizations.FindLineByNumberAsync(number, ct);
        }
        else
        {
            return (null, Problems.InvalidNumber(NumberError(reference, error), field));
        }

        if (line is null || line.OrganizationId != principal.OrganizationId)
        {
            return (null, Problems.NotFound("line", $"No line '{reference}' in your organization."));
        }

        if (principal.LineId is { } lineId && lineId != line.Id)
        {
            return (null, Problems.Forbidden("A line key acts only for its own line."));
        }

        return (line, null);
    }

    public static (string? Number, ProblemHttpResult? Problem) Contact(string? reference, string field)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return (null, Problems.Validation($"{field} is required: the contact's phone number.", field));
        }

        return PhoneNumbers.TryNormalize(reference, out var number, out var error)
            ? (number, null)
            : (null, Problems.InvalidNumber(NumberError(reference, error), field));
    }

    public static (Channel Channel, ProblemHttpResult? Problem) ChannelOf(string? text, string field = "channel")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (Channel.Sms, null);
        }

        return VocabularyNames.TryParseChannel(text, out var channel)
            ? (channel, null)
            : (Channel.Sms, Problems.Validation($"{field} must be 'sms' or 'whatsapp'.", field));
    }

    public static string NumberError(string input, PhoneNumberError error) => PhoneNumbers.Describe(error, input);
}
