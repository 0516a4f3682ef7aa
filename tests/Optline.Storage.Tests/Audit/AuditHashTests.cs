using Optline.Storage.Audit;

namespace Optline.Storage.Tests.Audit;

/// <summary>
/// Records already written, and files already exported, must go on verifying: the canonical encoding a hash is taken
/// over never changes. These hashes were computed when the encoding was first written down.
/// </summary>
public sealed class AuditHashTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 12, 0, 0, 123, TimeSpan.Zero);

    public static TheoryData<string, AuditEntry, string> Records => new()
    {
        { "every field", new AuditEntry("automated_message_queued")
            {
                LineNumber = "+12015550100", Contact = "+12015550123", Channel = "sms", MessageId = "0193a8f2-7b1c-7e44-9a0b-3c5d6e7f8a9b",
                Text = "Hi, it's \"Alice\" from Acme — reply YES ✅ to opt in\nThanks", TemplateId = "contact_request", TemplateVersion = 7,
                Rule = "keyword:yes", ClassifierVersion = "kw-3", ProviderMessageId = "SM0123456789abcdef0123456789abcdef",
                Signature = "valid", PayloadSha256 = new string('a', 64), Detail = "<script>&'",
            }, "aa340231c5f06e6069ba058e74f604ced6a351cd5f086eb7e9ae38f76678f712" },
        { "only an event", new AuditEntry("organization_created"), "965ae8f3dc0458e1cedbeb17f0c893025f999904bcdd3bdc36c131069e4ec84b" },
        { "empty texts", new AuditEntry("audit_note") { Text = "", Detail = "", TemplateVersion = 0 }, "74e1e5cbeff1209eb98b798e0bef30d6ceb335bc8cd690cb6159b2c141cfe887" },
        { "a long text", new AuditEntry("contact_message") { Text = string.Concat(Enumerable.Repeat("Quarterly statement é 😀 ", 180)) }, "ab9c2a20480592961eb9da5d8755a852b907c6040e5dd1c10c7174bb91cc4495" },
    };

    [Theory, MemberData(nameof(Records))]
    public void A_record_hashes_as_it_always_has(string what, AuditEntry entry, string expected)
    {
        _ = what;
        Assert.Equal(expected, AuditHash.Compute(42, 1_000_001, At, entry, "f00d" + new string('0', 60)));
    }
}
