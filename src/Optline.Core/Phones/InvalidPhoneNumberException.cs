namespace Optline.Core.Phones;

/// <summary>A phone number that Optline refuses, with the reason and a message fit to show to the person who typed it.</summary>
public sealed class InvalidPhoneNumberException : Exception
{
    public InvalidPhoneNumberException()
        : this(PhoneNumberError.Unparseable, null)
    {
    }

    public InvalidPhoneNumberException(string message)
        : base(message)
    {
        Error = PhoneNumberError.Unparseable;
    }

    public InvalidPhoneNumberException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = PhoneNumberError.Unparseable;
    }

    public InvalidPhoneNumberException(PhoneNumberError error, string? input)
        : base(PhoneNumbers.Describe(error, input))
    {
        Error = error;
        Input = input;
    }

    public PhoneNumberError Error { get; }

    /// <summary>The text as it was given.</summary>
    public string? Input { get; }
}
