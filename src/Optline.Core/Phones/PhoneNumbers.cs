using System.Collections.Concurrent;
using LibPhoneNumber = PhoneNumbers.PhoneNumber;
using LibPhoneNumberFormat = PhoneNumbers.PhoneNumberFormat;
using LibPhoneNumberType = PhoneNumbers.PhoneNumberType;
using LibPhoneNumberUtil = PhoneNumbers.PhoneNumberUtil;
using NumberParseException = PhoneNumbers.NumberParseException;

namespace Optline.Core.Phones;

/// <summary>
/// Brings phone numbers to E.164 at every edge (PRODUCT.md §1) with libphonenumber: national formats are read
/// in <see cref="DefaultRegion"/>, so "(201) 555-0123", "201.555.0123" and "+12015550123" are one number.
/// A number libphonenumber does not consider valid, or a premium-rate number, is refused. Thread-safe.
/// </summary>
public static class PhoneNumbers
{
    public const string DefaultRegion = "US";

    /// <summary>Longest piece of the input repeated in an error message.</summary>
    private const int MaxEchoedInput = 40;

    /// <summary>
    /// Answers kept, per input and region: the first ones seen, which include every line's own number (half of what
    /// webhooks normalize); later numbers are read each time. Never emptied, so nothing kept becomes garbage of the
    /// collector's oldest generation: emptied when full, under lookups of ever new numbers, the server's memory grew by 20 MB.
    /// </summary>
    private const int CachedAnswers = 4096;

    private static readonly LibPhoneNumberUtil Util = LibPhoneNumberUtil.GetInstance();

    /// <summary>libphonenumber's answers: reading a number and finding its type runs a dozen regular expressions, 3 % of the server's CPU under a stream of webhooks.</summary>
    private static readonly ConcurrentDictionary<(string Input, string Region), (string E164, PhoneNumberError Error)> Answers = new();

    private static int s_answersKept;

    public static bool TryNormalize(string? input, out string e164, out PhoneNumberError error, string defaultRegion = DefaultRegion) =>
        TryNormalizeCore(input, defaultRegion, out e164, out error);

    /// <summary>The E.164 form of <paramref name="input"/>, or <see cref="InvalidPhoneNumberException"/> saying why not.</summary>
    public static string Normalize(string? input, string defaultRegion = DefaultRegion) =>
        TryNormalize(input, out var e164, out var error, defaultRegion) ? e164 : throw new InvalidPhoneNumberException(error, input);

    /// <summary>
    /// For providers that send international numbers as bare digits (WhatsApp: "12125550201"): the digits are
    /// read as country code and number, never in a default region.
    /// </summary>
    public static bool TryNormalizeInternational(string? digits, out string e164, out PhoneNumberError error)
    {
        var trimmed = digits?.Trim();
        var international = string.IsNullOrEmpty(trimmed) || trimmed.StartsWith('+') ? trimmed : "+" + trimmed;

        // "ZZ" is libphonenumber's unknown region: without a leading '+' a number cannot be read.
        return TryNormalizeCore(international, "ZZ", out e164, out error);
    }

    /// <summary>A sentence saying why <paramref name="input"/> was refused.</summary>
    public static string Describe(PhoneNumberError error, string? input)
    {
        var shown = input is null ? string.Empty : input.Length <= MaxEchoedInput ? input.Trim() : input[..MaxEchoedInput].Trim() + "…";
        return error switch
        {
            PhoneNumberError.None => $"'{shown}' is a valid phone number.",
            PhoneNumberError.Empty => "A phone number is required.",
            PhoneNumberError.Unparseable => $"'{shown}' is not a phone number.",
            PhoneNumberError.Invalid => $"'{shown}' is not a valid phone number; check the country code and the number of digits.",
            PhoneNumberError.PremiumRate => $"'{shown}' is a premium-rate number; Optline does not send to premium-rate numbers.",
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };
    }

    private static bool TryNormalizeCore(string? input, string region, out string e164, out PhoneNumberError error)
    {
        e164 = string.Empty;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = PhoneNumberError.Empty;
            return false;
        }

        if (!Answers.TryGetValue((input, region), out var answer))
        {
            answer = Read(input, region);
            if (Volatile.Read(ref s_answersKept) < CachedAnswers && Answers.TryAdd((input, region), answer))
            {
                Interlocked.Increment(ref s_answersKept);
            }
        }

        (e164, error) = answer;
        return error == PhoneNumberError.None;
    }

    private static (string E164, PhoneNumberError Error) Read(string input, string region)
    {
        LibPhoneNumber number;
        try
        {
            number = Util.Parse(input, region);
        }
        catch (NumberParseException)
        {
            return (string.Empty, PhoneNumberError.Unparseable);
        }

        // A number is valid exactly when its type is known (libphonenumber's IsValidNumber asks the same question), so
        // one lookup of the type answers both checks: every webhook normalizes two numbers.
        switch (Util.GetNumberType(number))
        {
            case LibPhoneNumberType.UNKNOWN:
                return (string.Empty, PhoneNumberError.Invalid);
            case LibPhoneNumberType.PREMIUM_RATE:
                return (string.Empty, PhoneNumberError.PremiumRate);
        }

        return (Util.Format(number, LibPhoneNumberFormat.E164), PhoneNumberError.None);
    }
}
