using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Conversations;

/// <summary>The seed's line-initiated flow through the unit of work, as it lands in the timeline and the outbox.</summary>
public sealed class LineInitiatedFlowTests
{
    private const string Contact = "+12015550123";

    [Theory, AllDatabases]
    public async Task First_line_message_is_held_and_the_opt_in_request_and_notice_are_written(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var outcome = await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Hi, it's Alice from Acme", "test");

        Assert.Equal(("held", ConsentState.Pending, false), (outcome.Status, outcome.State, outcome.Duplicate));
        Assert.Collection(await db.TimelineAsync(Contact),
            m => Assert.Equal(("message", "outbound", "Hi, it's Alice from Acme", "held", (string?)null), Describe(m)),
            m => Assert.Equal(("message", "outbound", SeedTexts.LineRequest, "queued", "line_request"), Describe(m)),
            m => Assert.Equal(("notice", (string?)null, SeedTexts.LinePendingNotice, "delivered", "line_pending_notice"), Describe(m)));
        Assert.Equal([(SeedTexts.LineRequest, "pending")], await OutboxAsync(db));
        Assert.Equal(ConsentState.Pending, (await db.ConversationAsync(Contact)).State.State);
    }

    [Theory, AllDatabases]
    public async Task Yes_opts_in_and_releases_the_held_messages_into_the_outbox_in_order(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "First held", "test");
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Second held", "test");

        var outcome = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "YES"));

        Assert.Equal(("delivered", ConsentState.OptedIn), (outcome.Status, outcome.State));
        var timeline = await db.TimelineAsync(Contact);
        Assert.Equal(["queued", "queued"], timeline.Where(m => m.Body.EndsWith(" held", StringComparison.Ordinal)).Select(m => m.Status));
        Assert.Equal(("message", "inbound", "YES", "delivered", (string?)null), Describe(timeline[^3]));
        Assert.Equal(("message", "outbound", SeedTexts.LineOptedInConfirm, "queued", "line_optedin_confirm"), Describe(timeline[^2]));
        Assert.Equal(("notice", (string?)null, SeedTexts.LineOptedInNotice, "delivered", "line_optedin_notice"), Describe(timeline[^1]));
        Assert.Equal(
            [(SeedTexts.LineRequest, "pending"), (SeedTexts.LineOptedInConfirm, "opted_in"), ("First held", "consent"), ("Second held", "consent")],
            await OutboxAsync(db));
    }

    [Theory, AllDatabases]
    public async Task Stop_opts_out_cancels_every_queued_message_and_queues_only_the_confirmation(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Queued after consent", "test");

        var outcome = await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));

        Assert.Equal(("delivered", ConsentState.OptedOut), (outcome.Status, outcome.State));
        Assert.Equal([(SeedTexts.OptOutConfirm, "any")], await OutboxAsync(db));
        var timeline = await db.TimelineAsync(Contact);
        Assert.All(timeline.Where(m => m.Direction == "outbound" && m.TemplateId != "optout_confirm"), m => Assert.Equal(("cancelled", "opted_out"), (m.Status, m.Reason)));
        Assert.Equal(("message", "outbound", SeedTexts.OptOutConfirm, "queued", "optout_confirm"), Describe(timeline[^2]));
        Assert.Equal(("notice", (string?)null, SeedTexts.OptOutNotice, "delivered", "optout_notice"), Describe(timeline[^1]));
    }

    [Theory, AllDatabases]
    public async Task Line_message_to_an_opted_out_contact_is_blocked_with_the_notice(string provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await db.OptInAsync(Contact);
        await db.Conversations.ContactSendAsync(db.Inbound(Contact, "STOP"));
        var outbox = await OutboxAsync(db);

        var outcome = await db.Conversations.LineSendAsync(db.Line, Contact, Channel.Sms, "Are you still there?", "test");

        Assert.Equal(("blocked", "opted_out", ConsentState.OptedOut), (outcome.Status, outcome.Reason, outcome.State));
        Assert.Equal(outbox, await OutboxAsync(db));
        Assert.Equal(("notice", (string?)null, SeedTexts.OptOutNotice, "delivered", "optout_notice"), Describe((await db.TimelineAsync(Contact))[^1]));
    }

    private static (string Kind, string? Direction, string Body, string Status, string? Template) Describe(TimelineItem item) =>
        (item.Kind, item.Direction, item.Body, item.Status, item.TemplateId);

    private static Task<IReadOnlyList<(string Body, string Requires)>> OutboxAsync(TestDatabase db) =>
        db.RowsAsync("SELECT m.body, o.requires FROM outbox o JOIN messages m ON m.id = o.message_id ORDER BY o.due_at, o.id",
            r => (r.GetString(0), r.GetString(1)));
}
