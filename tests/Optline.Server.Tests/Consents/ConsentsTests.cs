using System.Net;

namespace Optline.Server.Tests.Consents;

/// <summary><c>GET</c> and <c>PUT /api/v1/consents</c>: a conversation's consent, imports with evidence, and revocations by staff.</summary>
public sealed class ConsentsTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_conversation_never_seen_has_consent_none()
    {
        var line = await server.NewLineAsync();

        var consent = await server.Admin.ConsentAsync(line.Number, server.NewContactNumber(), "whatsapp");

        Assert.Equal("none", consent.State);
        Assert.Null(consent.Since);
        Assert.Empty(consent.History);
    }

    [Fact]
    public async Task Importing_an_opt_in_with_evidence_opts_in_and_releases_held_messages()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Held until consent");
        await server.Carrier.WaitForAsync(contact, 1);

        using var response = await server.Admin.PutConsentAsync(Import(line, contact, collectedAt: Now().AddDays(-10)));

        var imported = await Http.ReadAsync<ConsentRecord>(response, HttpStatusCode.OK);
        Assert.Equal("opted_in", imported.State);
        var conversation = await line.Client.ConversationWhenAsync(line.Number, contact, "sms",
            c => c.Message("Held until consent").Status == "sent", "the held message to be sent");
        Assert.Equal([SeedTexts.LineRequestFor(line.DisplayName), "Held until consent"], server.Carrier.BodiesTo(contact));
        Assert.Equal("opted_in", conversation.Consent.State);
        var consent = await server.Admin.ConsentAsync(line.Number, contact);
        Assert.Equal("opted_in", consent.History[^1].Event);
        Assert.Equal("queued", (await line.Client.SendAsync(line.Number, contact, "Now it flows")).Status);
    }

    [Fact]
    public async Task Importing_an_opt_in_collected_before_the_contacts_opt_out_is_refused()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await server.OptInOverSmsAsync(line, contact);
        await server.ContactTextsAsync(contact, line, "STOP");
        var optedOut = await server.Admin.ConsentAsync(line.Number, contact);
        Assert.Equal("opted_out", optedOut.State);

        using var response = await server.Admin.PutConsentAsync(Import(line, contact, collectedAt: optedOut.Since!.Value.AddDays(-1)));

        await Http.ProblemAsync(response, HttpStatusCode.Conflict, "consent-import-refused");
        var after = await server.Admin.ConsentAsync(line.Number, contact);
        Assert.Equal("opted_out", after.State);
        Assert.Equal(optedOut.Since, after.Since);
    }

    [Fact]
    public async Task Revoking_consent_opts_out_without_telling_the_contact()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await server.OptInOverSmsAsync(line, contact);

        using var response = await server.Admin.PutConsentAsync(new
        {
            line = line.Number, contact, channel = "sms", state = "opted_out",
            evidence = new { method = "phone_call", collectedAt = Now(), text = "Asked by phone to stop texting", reference = "ticket-4411" },
        });

        var revoked = await Http.ReadAsync<ConsentRecord>(response, HttpStatusCode.OK);
        Assert.Equal("opted_out", revoked.State);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal(before, server.Carrier.To(contact).Count);
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.Equal("admin", (await server.Admin.ConsentAsync(line.Number, contact)).Source);
        Assert.Equal("blocked", (await line.Client.SendAsync(line.Number, contact, "Still there?")).Status);
    }

    [Fact]
    public async Task Importing_an_opt_in_without_evidence_is_a_validation_problem()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Admin.PutConsentAsync(new { line = line.Number, contact, channel = "sms", state = "opted_in" });

        var problem = await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.Equal("evidence", problem.Field);
        Assert.Equal("none", (await server.Admin.ConsentAsync(line.Number, contact)).State);
    }

    [Fact]
    public async Task A_line_key_cannot_import_consent()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await line.Client.PutConsentAsync(Import(line, contact, collectedAt: Now().AddDays(-1)));

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("none", (await server.Admin.ConsentAsync(line.Number, contact)).State);
    }

    [Fact]
    public async Task An_imported_whatsapp_opt_in_outside_the_24_hour_window_blocks_free_text()
    {
        // A contact who never wrote on WhatsApp is outside the customer-service window. (A window that closes
        // 24 hours after the contact's last message needs a moved clock: the consent engine's tests cover it.)
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        using var import = await server.Admin.PutConsentAsync(Import(line, contact, collectedAt: Now().AddDays(-1), channel: "whatsapp"));
        await Http.ExpectStatusAsync(import, HttpStatusCode.OK);

        var sent = await line.Client.SendAsync(line.Number, contact, "Your documents are ready.", "whatsapp");

        Assert.Equal("blocked", sent.Status);
        Assert.Equal("whatsapp_window_closed", sent.Reason);
        Assert.Equal("opted_in", sent.Consent.State);
        Assert.Empty(server.Carrier.To(contact));
    }

    private static object Import(TestLine line, string contact, DateTimeOffset collectedAt, string channel = "sms") => new
    {
        line = line.Number,
        contact,
        channel,
        state = "opted_in",
        evidence = new { method = "paper_form", collectedAt, text = "I agree to receive text messages from Acme Advisors.", reference = "form-0042" },
    };

    private static DateTimeOffset Now() => TimeProvider.System.GetUtcNow();
}
