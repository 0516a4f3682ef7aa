using Optline.Core.Consent;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Conversations;

/// <summary>How far a STOP reaches (PRODUCT.md §5): every channel of the line, or with scope 'organization' every line.</summary>
public sealed class OptOutScopeTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task Stop_on_sms_opts_out_whatsapp_on_the_same_line_but_not_another_line(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var bob = await db.AddLineAsync("+12015550200", "Bob Stone");
        await db.OptInAsync(Contact);
        await db.OptInAsync(Contact, bob);

        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        var whatsApp = await db.ConversationAsync(Contact, channel: Channel.WhatsApp);
        Assert.Equal((ConsentState.OptedOut, OptOutSource.Scope), (whatsApp.State.State, whatsApp.State.OptOut!.Source));
        Assert.Equal(ConsentState.OptedIn, (await db.ConversationAsync(Contact, bob)).State.State);
        Assert.Equal(0, await db.CountAsync("organization_opt_outs"));
        await AuditRows.AssertChainIntactAsync(db);
    }

    [Theory, AllDatabases]
    public async Task Opting_in_again_reopens_only_the_channel_it_came_in_on(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        var outcome = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "START"));

        Assert.Equal(ConsentState.OptedIn, outcome.State);
        Assert.Equal(ConsentState.OptedOut, (await db.ConversationAsync(Contact, channel: Channel.WhatsApp)).State.State);
    }

    [Theory, AllDatabases]
    public async Task Organization_scope_opts_out_every_line_including_conversations_created_later(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (version, _) = await db.Organizations.UpdateSettingsAsync(db.OrganizationId, (s, _) => s with { OptOutScope = "organization" }, "admin");
        var bob = await db.AddLineAsync("+12015550200", "Bob Stone");
        await db.OptInAsync(Contact);
        await db.OptInAsync(Contact, bob);
        await db.Conversations.LineSendAsync(bob, Contact, Channel.Sms, "Queued on Bob's line", "test");

        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        Assert.Equal(2, version);
        Assert.Equal(ConsentState.OptedOut, (await db.ConversationAsync(Contact, bob)).State.State);
        Assert.Equal(["cancelled"], await db.RowsAsync("SELECT status FROM messages WHERE body = 'Queued on Bob''s line'", r => r.GetString(0)));
        var carol = await db.AddLineAsync("+12015550300", "Carol Diaz");
        var later = await db.Conversations.LineSendAsync(carol, Contact, Channel.Sms, "Hello from Carol", "test");
        var laterOnWhatsApp = await db.Conversations.LineSendAsync(bob, Contact, Channel.WhatsApp, "Hello on WhatsApp", "test");
        Assert.Equal(("blocked", ConsentState.OptedOut), (later.Status, later.State));
        Assert.Equal(("blocked", ConsentState.OptedOut), (laterOnWhatsApp.Status, laterOnWhatsApp.State));
        Assert.Equal(0, await db.CountAsync("messages", "template_id IN ('line_request', 'contact_request') AND status = 'queued'"));
        await AuditRows.AssertChainIntactAsync(db);
    }
}
