using BenchmarkDotNet.Attributes;
using LibPhoneNumberUtil = PhoneNumbers.PhoneNumberUtil;
using OptlinePhones = Optline.Core.Phones.PhoneNumbers;

namespace Optline.Bench;

/// <summary>
/// A number brought to E.164, as every webhook does twice (the line and the contact), against libphonenumber's
/// parse alone, the least any check of the number costs: the same number again (answered from the answers kept,
/// as a line's number is) and a different one each time (read by libphonenumber).
/// </summary>
[MemoryDiagnoser]
public class PhoneBenchmarks
{
    private static readonly LibPhoneNumberUtil Util = LibPhoneNumberUtil.GetInstance();

    [Params("+12015550123", "(201) 555-0123", "+447700900123")]
    public string Input { get; set; } = "+12015550123";

    [Benchmark(Baseline = true)]
    public global::PhoneNumbers.PhoneNumber ParseOnly() => Util.Parse(Input, OptlinePhones.DefaultRegion);

    /// <summary>More distinct numbers than the cache keeps, so each is read again.</summary>
    private static readonly string[] Distinct = [.. Enumerable.Range(0, 50_000).Select(i => $"+1201{5550000 + i}")];

    private int _next;

    [Benchmark]
    public bool Normalize() => OptlinePhones.TryNormalize(Input, out _, out _);

    [Benchmark]
    public bool NormalizeAnotherEachTime() => OptlinePhones.TryNormalize(Distinct[_next++ % Distinct.Length], out _, out _);
}
