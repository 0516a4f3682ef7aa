namespace Optline.Core.Phones;

/// <summary>Why a phone number was refused (PRODUCT.md §1).</summary>
public enum PhoneNumberError
{
    None,

    /// <summary>Nothing was given.</summary>
    Empty,

    /// <summary>The text is not a phone number at all.</summary>
    Unparseable,

    /// <summary>A phone number in form, but not one libphonenumber considers valid (no such number range).</summary>
    Invalid,

    /// <summary>A valid premium-rate number; Optline never sends to those.</summary>
    PremiumRate,
}
