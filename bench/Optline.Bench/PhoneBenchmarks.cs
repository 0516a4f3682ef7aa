using BenchmarkDotNet.Attributes;
using LibPhoneNumberUtil = PhoneNumbers.PhoneNumberUtil;
using OptlinePhones = Optline.Core.Phones.PhoneNumbers;

namespace Optline.Bench;

/// <summary>
/// A number brought to E.164, as every webhook does twice (the line and the contact), against libphonenumber's
/// parse alone, the least any check of the number costs.
/// </summary>
[MemoryDiagnoser]
public class PhoneBenchmarks
{
    private static readonly LibPhoneNumberUtil Util = LibPhoneNumberUtil.GetInstance();

    [Params("+12015550123", "(201) 555-0123", "+447700900123")]
    public string Input { get; set; } = "+12015550123";

    [Benchmark(Baseline = true)]
    public global::PhoneNumbers.PhoneNumber ParseOnly() => Util.Parse(Input, OptlinePhones.DefaultRegion);

    [Benchmark]
    public bool Normalize() => OptlinePhones.TryNormalize(Input, out _, out _);
}
