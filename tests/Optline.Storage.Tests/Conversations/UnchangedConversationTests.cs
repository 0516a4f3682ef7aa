using Optline.Core.Consent;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Conversations;

/// <summary>An event that leaves a conversation's consent state as it was does not write its row again.</summary>
public sealed class UnchangedConversationTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task An_ordinary_sms_from_an_opted_in_contact_leaves_the_row_as_it_was(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        var before = await db.ConversationAsync(Contact);

        var outcome = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "See you at three"));

        Assert.Equal(("delivered", ConsentState.OptedIn), (outcome.Status, outcome.State));
        var after = await db.ConversationAsync(Contact);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.State with { Held = [] }, after.State with { Held = [] });
        Assert.Equal("See you at three", (await db.TimelineAsync(Contact))[^1].Body);
    }

    [Theory, AllDatabases]
    public async Task An_ordinary_whatsapp_message_opens_the_window_and_so_writes_the_row(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact, channel: Channel.WhatsApp);
        var before = await db.ConversationAsync(Contact, channel: Channel.WhatsApp);
        db.Time.Advance(TimeSpan.FromMinutes(5));

        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "See you at three", channel: Channel.WhatsApp));

        var after = await db.ConversationAsync(Contact, channel: Channel.WhatsApp);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(db.Time.GetUtcNow(), after.State.LastInboundAt);
        Assert.Equal(ConsentState.OptedIn, after.State.State);
    }

    [Theory, AllDatabases]
    public async Task A_stop_after_ordinary_messages_is_written(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "See you at three"));
        var before = await db.ConversationAsync(Contact);

        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        var after = await db.ConversationAsync(Contact);
        Assert.Equal((ConsentState.OptedOut, before.Version + 1), (after.State.State, after.Version));
    }
}
