namespace Optline.Core.Keywords;

/// <summary>What a contact's message asks for (PRODUCT.md §4).</summary>
public enum Intent
{
    Stop,
    Yes,
    Start,
    Help,
    Other,
}

/// <summary>
/// The classifier's decision about one message: the intent, the rule that matched (recorded in the
/// attestation record), the language of the matched keyword when one did, whether a line user should
/// review it ("contains an opt-out word but is not a request") and the classifier version.
/// </summary>
public sealed record Classification(Intent Intent, string Rule, string? Language, bool FlagForReview, string ClassifierVersion);
