using System.Net;

namespace Optline.Server.Tests.SeedFlows;

/// <summary>
/// Every flow of the seed (PRODUCT.md §3), end to end through real HTTP: the line sends through the API, the contact
/// writes through the carrier's signed webhook, and the assertions read what the fake carrier received (the contact's
/// phone) and the notices in the line's timeline. Run once per channel by the subclasses.
/// </summary>
public abstract class SeedFlowTests(OptlineTestServer server)
{
    protected OptlineTestServer Server => server;

    protected abstract string Channel { get; }

    protected abstract string OtherChannel { get; }

    /// <summary>The contact writes to the line through the carrier.</summary>
    protected abstract Task<HttpResponseMessage> PostFromContactAsync(string contact, string line, string body);

    /// <summary>The line-first opt-in request, as the carrier received it.</summary>
    protected abstract void AssertLineRequest(SentMessage request, TestLine line);

    [Fact]
    public async Task Line_first_message_is_held_and_the_contact_gets_the_line_request()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();

        var sent = await line.Client.SendAsync(line.Number, contact, "Hi, this is Alex from Acme.", Channel);

        Assert.Equal("held", sent.Status);
        Assert.Equal("pending", sent.Consent.State);
        var conversation = await SettledAsync(line, contact);
        AssertLineRequest(Assert.Single(server.Carrier.To(contact)), line);
        Assert.Equal([SeedTexts.LinePendingNotice], conversation.Notices);
        Assert.Equal("held", conversation.Message("Hi, this is Alex from Acme.").Status);
        Assert.Equal("pending", (await line.Client.ConsentAsync(line.Number, contact, Channel)).State);
    }

    [Fact]
    public async Task A_second_line_message_while_pending_is_held_without_a_second_request()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "First note.", Channel);
        await server.Carrier.WaitForAsync(contact, 1);

        var second = await line.Client.SendAsync(line.Number, contact, "Second note while waiting.", Channel);

        Assert.Equal("held", second.Status);
        var conversation = await SettledAsync(line, contact);
        Assert.Single(server.Carrier.To(contact));
        Assert.Equal([SeedTexts.LinePendingNotice], conversation.Notices);
    }

    [Fact]
    public async Task Yes_to_the_line_request_confirms_and_delivers_the_held_messages_in_order()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Hi, this is Alex from Acme.", Channel);
        await line.Client.SendAsync(line.Number, contact, "Second note while waiting.", Channel);
        await server.Carrier.WaitForAsync(contact, 1);

        await ContactWritesAsync(contact, line, "YES");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal(
            [SeedTexts.LineOptedInConfirm, "Hi, this is Alex from Acme.", "Second note while waiting."],
            server.Carrier.BodiesTo(contact).Skip(1));
        Assert.Equal([SeedTexts.LinePendingNotice, SeedTexts.LineOptedInNotice], conversation.Notices);
        Assert.Equal("opted_in", conversation.Consent.State);
        Assert.Equal("sent", conversation.Message("Hi, this is Alex from Acme.").Status);
    }

    [Fact]
    public async Task Once_opted_in_messages_flow_both_ways()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        var before = await OptInAsync(line, contact);

        var sent = await line.Client.SendAsync(line.Number, contact, "Your statement is ready.", Channel);
        await ContactWritesAsync(contact, line, "Thanks!");

        Assert.Equal("queued", sent.Status);
        var conversation = await SettledAsync(line, contact);
        Assert.Equal(["Your statement is ready."], server.Carrier.BodiesTo(contact).Skip(before));
        Assert.Contains("Thanks!", conversation.DeliveredInbound);
    }

    [Fact]
    public async Task Stop_from_an_opted_in_contact_is_confirmed_once_and_the_line_is_told()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        var before = await OptInAsync(line, contact);

        await ContactWritesAsync(contact, line, "Stop");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.OptOutConfirm], server.Carrier.BodiesTo(contact).Skip(before));
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.Equal("opted_out", conversation.Consent.State);
    }

    [Fact]
    public async Task After_stop_the_line_is_blocked_and_a_second_stop_gets_silence()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await OptInAsync(line, contact);
        await ContactWritesAsync(contact, line, "STOP");
        var stopped = await SettledAsync(line, contact);
        var received = server.Carrier.To(contact).Count;

        var blocked = await line.Client.SendAsync(line.Number, contact, "Are you sure?", Channel);
        await ContactWritesAsync(contact, line, "STOP");

        Assert.Equal("blocked", blocked.Status);
        Assert.Equal("opted_out", blocked.Reason);
        Assert.Equal("opted_out", blocked.Consent.State);
        var conversation = await SettledAsync(line, contact);
        Assert.Equal(received, server.Carrier.To(contact).Count);
        Assert.Equal("blocked", conversation.Message("Are you sure?").Status);
        Assert.Equal(stopped.Notices.Count(n => n == SeedTexts.OptOutNotice) + 1, conversation.Notices.Count(n => n == SeedTexts.OptOutNotice));
    }

    [Fact]
    public async Task A_new_message_after_stop_restarts_consent_from_the_contact()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await OptInAsync(line, contact);
        await ContactWritesAsync(contact, line, "STOP");
        await SettledAsync(line, contact);
        var before = server.Carrier.To(contact).Count;

        await ContactWritesAsync(contact, line, "Hello again, I changed my mind");

        var pending = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.ContactRequestFor(line.DisplayName)], server.Carrier.BodiesTo(contact).Skip(before));
        Assert.Equal(SeedTexts.ContactPendingNotice, pending.Notices[^1]);
        Assert.DoesNotContain("Hello again, I changed my mind", pending.DeliveredInbound);
        Assert.Equal("pending", pending.Consent.State);
        Assert.Equal("held", (await line.Client.SendAsync(line.Number, contact, "Welcome back.", Channel)).Status);

        await ContactWritesAsync(contact, line, "yes");

        var optedIn = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.ContactOptedInConfirm, "Welcome back."], server.Carrier.BodiesTo(contact).Skip(before + 1));
        Assert.Equal(SeedTexts.ContactOptedInNotice, optedIn.Notices[^1]);
        Assert.Contains("Hello again, I changed my mind", optedIn.DeliveredInbound);
        Assert.Equal("opted_in", optedIn.Consent.State);
    }

    [Fact]
    public async Task A_stop_followed_at_once_by_a_new_message_is_still_confirmed_before_the_new_request()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await OptInAsync(line, contact);
        var before = server.Carrier.To(contact).Count;

        await ContactWritesAsync(contact, line, "STOP");
        await ContactWritesAsync(contact, line, "Actually, one more question");

        await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.OptOutConfirm, SeedTexts.ContactRequestFor(line.DisplayName)], server.Carrier.BodiesTo(contact).Skip(before));
    }

    [Fact]
    public async Task Start_from_an_opted_out_contact_opts_in_directly()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await OptInAsync(line, contact);
        await ContactWritesAsync(contact, line, "STOP");
        await SettledAsync(line, contact);
        var before = server.Carrier.To(contact).Count;

        await ContactWritesAsync(contact, line, "START");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.ContactOptedInConfirm], server.Carrier.BodiesTo(contact).Skip(before));
        Assert.Equal(SeedTexts.ContactOptedInNotice, conversation.Notices[^1]);
        Assert.Equal("opted_in", conversation.Consent.State);
    }

    [Fact]
    public async Task Help_from_a_new_contact_gets_only_the_help_text_and_changes_no_consent()
    {
        var line = await server.NewLineAsync("Jamie Lee");
        var contact = server.NewContactNumber();

        await ContactWritesAsync(contact, line, "HELP");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.HelpFor(OptlineTestServer.OrganizationName, "Jamie Lee")], server.Carrier.BodiesTo(contact));
        Assert.Empty(conversation.Notices);
        Assert.Equal("none", (await line.Client.ConsentAsync(line.Number, contact, Channel)).State);
    }

    [Fact]
    public async Task Contact_first_message_is_held_and_answered_with_the_contact_request()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();

        await ContactWritesAsync(contact, line, "Hi Alex, a question about my account");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.ContactRequestFor("Alex Morgan")], server.Carrier.BodiesTo(contact));
        Assert.Equal([SeedTexts.ContactPendingNotice], conversation.Notices);
        Assert.Equal("held", conversation.Message("Hi Alex, a question about my account").Status);
        Assert.Equal("pending", conversation.Consent.State);
    }

    [Fact]
    public async Task Yes_to_the_contact_request_confirms_and_releases_both_directions()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await ContactWritesAsync(contact, line, "Hi Alex, a question about my account");
        var reply = await line.Client.SendAsync(line.Number, contact, "Happy to help.", Channel);
        Assert.Equal("held", reply.Status);
        await server.Carrier.WaitForAsync(contact, 1);

        await ContactWritesAsync(contact, line, "YES");

        var conversation = await SettledAsync(line, contact);
        Assert.Equal([SeedTexts.ContactOptedInConfirm, "Happy to help."], server.Carrier.BodiesTo(contact).Skip(1));
        Assert.Equal([SeedTexts.ContactPendingNotice, SeedTexts.ContactOptedInNotice], conversation.Notices);
        Assert.Contains("Hi Alex, a question about my account", conversation.DeliveredInbound);
        Assert.Equal("opted_in", conversation.Consent.State);
    }

    [Fact]
    public async Task Numbers_in_national_formats_address_the_same_conversation()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        var national = $"({contact[2..5]}) {contact[5..8]}-{contact[8..]}";
        var dotted = $"{contact[2..5]}.{contact[5..8]}.{contact[8..]}";

        var sent = await line.Client.SendAsync(line.Number, national, "Hello", Channel);

        Assert.Equal("held", sent.Status);
        await server.Carrier.WaitForAsync(contact, 1);
        var conversation = await line.Client.ConversationAsync(line.Number, dotted, Channel);
        Assert.Equal(contact, conversation.Contact);
        Assert.Equal("Hello", Assert.Single(conversation.Items, i => i.Kind == "message" && i.Body == "Hello").Body);
    }

    [Fact]
    public async Task An_opt_out_on_one_channel_blocks_the_other_channel_of_the_line()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();
        await OptInAsync(line, contact);

        await ContactWritesAsync(contact, line, "STOP");

        var other = await line.Client.SendAsync(line.Number, contact, "Trying the other channel", OtherChannel);
        Assert.Equal("blocked", other.Status);
        Assert.Equal("opted_out", other.Reason);
    }

    protected async Task ContactWritesAsync(string contact, TestLine line, string body)
    {
        using var response = await PostFromContactAsync(contact, line.Number, body);
        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    protected Task<Conversation> SettledAsync(TestLine line, string contact) => line.Client.SettledConversationAsync(line.Number, contact, Channel);

    /// <summary>Line-first request answered YES; returns how many messages the contact has received by then.</summary>
    protected async Task<int> OptInAsync(TestLine line, string contact)
    {
        await line.Client.SendAsync(line.Number, contact, "Hello from " + line.DisplayName, Channel);
        await server.Carrier.WaitForAsync(contact, 1);
        await ContactWritesAsync(contact, line, "YES");
        var conversation = await SettledAsync(line, contact);
        Assert.Equal("opted_in", conversation.Consent.State);
        return server.Carrier.To(contact).Count;
    }
}
