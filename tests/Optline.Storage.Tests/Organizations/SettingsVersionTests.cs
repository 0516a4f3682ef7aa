using Optline.Core.Consent;
using Optline.Storage.Organizations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Organizations;

/// <summary>Settings and templates are versioned, and every automated text records the version it used.</summary>
public sealed class SettingsVersionTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task Each_settings_change_is_a_new_version_kept_in_the_history(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var (second, _) = await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { MaxRequests = 2 }, "admin");
        var (third, settings) = await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { SmsOptInRequired = false }, "admin");

        Assert.Equal((2, 3), (second, third));
        Assert.Equal((2, false), (settings.MaxRequests, settings.SmsOptInRequired));
        var (current, stored) = await db.Organizations.GetSettingsAsync(db.OrganizationId);
        Assert.Equal((3, 2, false), (current, stored.MaxRequests, stored.SmsOptInRequired));
        Assert.Equal([1, 2, 3], await db.RowsAsync("SELECT version FROM settings_versions WHERE organization_id = @org ORDER BY version",
            r => r.GetInt64(0), ("@org", db.OrganizationId)));
        Assert.Equal([1, 2, 3], await db.RowsAsync("SELECT template_version FROM audit_records WHERE event = 'settings_changed' ORDER BY seq",
            r => r.GetInt64(0)));
    }

    [Theory, AllDatabases]
    public async Task An_automated_text_records_the_version_of_the_template_it_was_rendered_from(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (version, _) = await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, next) => s with
        {
            Templates = new() { ["line_request"] = new() { ["en"] = new StoredTemplate("{UserName} at {OrganizationName} would like to text you. Reply YES or STOP.", next) } },
        }, "admin");

        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hello", "test");

        var rows = await db.RowsAsync("SELECT template_id, body, template_version FROM messages WHERE template_id IS NOT NULL ORDER BY seq",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2)));
        Assert.Equal(
            [
                ("line_request", "Alice Martin at Acme Advisers would like to text you. Reply YES or STOP.", version),
                ("line_pending_notice", Conversations.SeedTexts.LinePendingNotice, 0L),
            ],
            rows);
        Assert.Equal([version], await db.RowsAsync("SELECT template_version FROM audit_records WHERE event = 'automated_message_queued'", r => r.GetInt64(0)));
    }
}
