using CsCheck;
using Optline.Core.Phones;

namespace Optline.Core.Tests.Phones;

// libphonenumber's root namespace is also called PhoneNumbers and would win the name lookup without this alias.
using PhoneNumbers = Optline.Core.Phones.PhoneNumbers;

public class PhoneNumbersTests
{
    [Theory]
    [InlineData("(201) 555-0123")]
    [InlineData("201.555.0123")]
    [InlineData("+12015550123")]
    [InlineData("+1 201-555-0123")]
    [InlineData("201 555 0123")]
    [InlineData("1 (201) 555-0123")]
    [InlineData("  +1 (201) 555-0123  ")]
    public void The_national_and_international_formats_of_a_us_number_are_one_contact(string input)
    {
        Assert.True(PhoneNumbers.TryNormalize(input, out var e164, out var error));
        Assert.Equal("+12015550123", e164);
        Assert.Equal(PhoneNumberError.None, error);
        Assert.Equal("+12015550123", PhoneNumbers.Normalize(input));
    }

    [Theory]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+33 1 23 45 67 89", "+33123456789")]
    [InlineData("+33 1 42 68 53 00", "+33142685300")]
    [InlineData("+1 800 555 0199", "+18005550199")]
    public void International_numbers_normalize_to_e164(string input, string expected)
    {
        Assert.Equal(expected, PhoneNumbers.Normalize(input));
    }

    [Theory]
    [InlineData("020 7946 0958", "GB", "+442079460958")]
    [InlineData("01 23 45 67 89", "FR", "+33123456789")]
    public void A_national_number_is_read_in_the_given_region(string input, string region, string expected)
    {
        Assert.Equal(expected, PhoneNumbers.Normalize(input, region));
    }

    [Theory]
    [InlineData("+1 555 123 4567")]
    [InlineData("+1 201 555 01234")]
    [InlineData("911")]
    [InlineData("+44 7700 900123")]
    public void A_number_libphonenumber_does_not_consider_valid_is_refused_as_invalid(string input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out var e164, out var error));
        Assert.Equal(PhoneNumberError.Invalid, error);
        Assert.Equal(string.Empty, e164);
    }

    [Theory]
    [InlineData("+1 900 555 0123")]
    [InlineData("(900) 200-0123")]
    [InlineData("+44 909 879 0000")]
    public void A_premium_rate_number_is_refused(string input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out _, out var error));
        Assert.Equal(PhoneNumberError.PremiumRate, error);
    }

    [Theory]
    [InlineData("(201) 555-0123", "US", "+12015550123", PhoneNumberError.None)]
    [InlineData("020 7946 0958", "GB", "+442079460958", PhoneNumberError.None)]
    [InlineData("020 7946 0958", "US", "", PhoneNumberError.Invalid)]
    [InlineData("+1 900 555 0123", "US", "", PhoneNumberError.PremiumRate)]
    [InlineData("not a number", "US", "", PhoneNumberError.Unparseable)]
    public void The_same_input_gets_the_same_answer_every_time_in_its_own_region(string input, string region, string expected, PhoneNumberError expectedError)
    {
        for (var time = 0; time < 3; time++)
        {
            Assert.Equal(expectedError == PhoneNumberError.None, PhoneNumbers.TryNormalize(input, out var e164, out var error, region));
            Assert.Equal((expected, expectedError), (e164, error));
        }
    }

    [Fact]
    public void Answers_stay_right_after_more_distinct_numbers_than_are_kept()
    {
        var numbers = Enumerable.Range(0, 20_000).Select(i => $"(201) 555-{i % 10_000:0000}" + (i >= 10_000 ? " " : string.Empty)).ToList();
        foreach (var number in numbers.Concat(numbers.Take(100)))
        {
            Assert.True(PhoneNumbers.TryNormalize(number, out var e164, out _));
            Assert.Equal("+1201555" + number.Trim()[^4..], e164);
        }
    }

    [Fact]
    public void Normalize_explains_a_premium_rate_refusal()
    {
        var refusal = Assert.Throws<InvalidPhoneNumberException>(() => PhoneNumbers.Normalize("+1 900 555 0123"));

        Assert.Equal(PhoneNumberError.PremiumRate, refusal.Error);
        Assert.Equal("+1 900 555 0123", refusal.Input);
        Assert.Equal("'+1 900 555 0123' is a premium-rate number; Optline does not send to premium-rate numbers.", refusal.Message);
    }

    [Fact]
    public void Normalize_explains_an_invalid_number()
    {
        var refusal = Assert.Throws<InvalidPhoneNumberException>(() => PhoneNumbers.Normalize("+1 555 123 4567"));

        Assert.Equal(PhoneNumberError.Invalid, refusal.Error);
        Assert.Contains("'+1 555 123 4567' is not a valid phone number", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_number_is_refused_as_empty(string? input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out _, out var error));
        Assert.Equal(PhoneNumberError.Empty, error);
        Assert.Equal("A phone number is required.", Assert.Throws<InvalidPhoneNumberException>(() => PhoneNumbers.Normalize(input)).Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("call me")]
    [InlineData("+")]
    [InlineData("💬")]
    public void Text_that_is_not_a_number_is_refused_as_unparseable(string input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out _, out var error));
        Assert.Equal(PhoneNumberError.Unparseable, error);
    }

    [Fact]
    public void A_long_input_is_shortened_in_the_error_message()
    {
        var input = new string('x', 500);

        var refusal = Assert.Throws<InvalidPhoneNumberException>(() => PhoneNumbers.Normalize(input));

        Assert.True(refusal.Message.Length < 100, refusal.Message);
        Assert.Same(input, refusal.Input);
    }

    [Theory]
    [InlineData("12125550201", "+12125550201")]
    [InlineData("+12125550201", "+12125550201")]
    [InlineData("442079460958", "+442079460958")]
    [InlineData("33123456789", "+33123456789")]
    public void Whatsapp_digits_without_a_plus_are_read_as_international(string digits, string expected)
    {
        Assert.True(PhoneNumbers.TryNormalizeInternational(digits, out var e164, out var error));
        Assert.Equal(expected, e164);
        Assert.Equal(PhoneNumberError.None, error);
    }

    [Fact]
    public void A_uk_number_in_bare_digits_is_not_valid_as_a_us_national_number()
    {
        Assert.False(PhoneNumbers.TryNormalize("442079460958", out _, out _));
        Assert.True(PhoneNumbers.TryNormalizeInternational("442079460958", out _, out _));
    }

    [Theory]
    [InlineData("", PhoneNumberError.Empty)]
    [InlineData("15551234567", PhoneNumberError.Invalid)]
    [InlineData("19005550123", PhoneNumberError.PremiumRate)]
    [InlineData("hello", PhoneNumberError.Unparseable)]
    public void International_digits_are_refused_for_the_same_reasons(string digits, PhoneNumberError expected)
    {
        Assert.False(PhoneNumbers.TryNormalizeInternational(digits, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Normalizing_never_throws_for_random_input()
    {
        Gen.OneOf(
                Gen.String,
                Gen.Char["0123456789+()-. x#*"].Array[0, 30].Select(chars => new string(chars)),
                Gen.Char[char.MinValue, char.MaxValue].Array[0, 300].Select(chars => new string(chars)))
            .Sample(input =>
            {
                if (PhoneNumbers.TryNormalize(input, out var e164, out _))
                {
                    Assert.Equal(e164, PhoneNumbers.Normalize(e164));
                }

                PhoneNumbers.TryNormalizeInternational(input, out _, out _);
            }, iter: 5_000);
    }
}
