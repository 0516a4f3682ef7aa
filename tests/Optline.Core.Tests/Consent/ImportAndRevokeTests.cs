using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §7 <c>PUT /api/v1/consents</c>: an admin imports consent collected elsewhere, or staff revoke it.
/// An import never opts in a contact who opted out after the evidence was collected.
/// </summary>
public class ImportAndRevokeTests
{
    [Fact]
    public void Importing_an_opt_in_releases_the_held_messages_and_sends_no_automated_text()
    {
        var scenario = Scenario.PendingByLine();
        var contact = scenario.ContactSends("who is this?");

        var imported = scenario.AdminImports(ConsentState.OptedIn, collectedAt: scenario.Now.AddDays(-10));

        Assert.Null(imported.Decision.Refusal);
        Assert.Equal(ConsentState.OptedIn, imported.State);
        Assert.Equal(new ConsentChanged(ConsentState.Pending, ConsentState.OptedIn, "consent_imported", "import:paper_form"), imported.Transition);
        Assert.Equal([scenario.Turns[0].Message, contact.Message], imported.Released);
        Assert.Empty(imported.ToContact);
        Assert.Empty(imported.ToLine);
    }

    [Fact]
    public void Importing_an_opt_in_for_a_new_conversation_lets_the_line_write_at_once()
    {
        var scenario = new Scenario();

        scenario.AdminImports(ConsentState.OptedIn, collectedAt: scenario.Now.AddMonths(-3));
        var sent = scenario.LineSends();

        Assert.Equal(MessageStatus.Queued, sent.Status);
        Assert.Empty(scenario.ContactReceived);
    }

    [Fact]
    public void Importing_an_opt_in_is_refused_when_the_contact_opted_out_after_the_evidence_was_collected()
    {
        var scenario = Scenario.OptedOut();
        var before = scenario.Conversation;

        var imported = scenario.AdminImports(ConsentState.OptedIn, collectedAt: scenario.Now.AddDays(-30));

        Assert.NotNull(imported.Decision.Refusal);
        Assert.Contains("opted out", imported.Decision.Refusal, StringComparison.Ordinal);
        Assert.Equal(before, scenario.Conversation);
        Assert.Null(imported.Transition);
        Assert.Empty(imported.ToContact);
        Assert.Empty(imported.ToLine);
        Assert.Contains(imported.Of<AuditNote>(), note => note.Event == "refused");
        Assert.Equal(MessageStatus.Blocked, scenario.LineSends().Status);
    }

    [Fact]
    public void Importing_an_opt_in_is_allowed_when_the_evidence_is_newer_than_the_opt_out()
    {
        var scenario = Scenario.OptedOut();
        var optedOutAt = scenario.Conversation.Since!.Value;

        var imported = scenario.Wait(TimeSpan.FromDays(5)).AdminImports(ConsentState.OptedIn, collectedAt: optedOutAt.AddDays(2));

        Assert.Null(imported.Decision.Refusal);
        Assert.Equal(ConsentState.OptedIn, imported.State);
        Assert.Equal(MessageStatus.Queued, scenario.LineSends().Status);
    }

    [Fact]
    public void Importing_an_opt_in_is_refused_when_the_contact_opted_out_after_the_evidence_and_has_written_again_since()
    {
        var scenario = Scenario.OptedOut();
        var optedOutAt = scenario.Conversation.Since!.Value;
        scenario.Wait(TimeSpan.FromDays(3)).ContactSends("hi, what was this about?");
        var line = scenario.LineSends("Hi! About your review.");

        var imported = scenario.Wait(TimeSpan.FromHours(1)).AdminImports(ConsentState.OptedIn, collectedAt: optedOutAt.AddDays(-30));

        Assert.NotNull(imported.Decision.Refusal);
        Assert.Equal(ConsentState.Pending, imported.State);
        Assert.Empty(imported.Released);
        Assert.Contains(line.Message, scenario.Conversation.Held.Select(h => h.MessageId));
    }

    [Fact]
    public void Importing_an_opt_in_is_allowed_when_the_evidence_was_collected_after_the_contact_wrote_again()
    {
        var scenario = Scenario.OptedOut();
        scenario.Wait(TimeSpan.FromDays(3)).ContactSends("hi, what was this about?");
        var evidenceAt = scenario.Wait(TimeSpan.FromDays(1)).Now;

        var imported = scenario.Wait(TimeSpan.FromHours(1)).AdminImports(ConsentState.OptedIn, collectedAt: evidenceAt);

        Assert.Null(imported.Decision.Refusal);
        Assert.Equal(ConsentState.OptedIn, imported.State);
        Assert.Single(imported.Released);
    }

    [Fact]
    public void Importing_an_opt_in_is_refused_when_a_repeated_opt_out_came_after_the_evidence()
    {
        var scenario = Scenario.OptedOut();
        var evidenceAt = scenario.Wait(TimeSpan.FromDays(2)).Now;
        scenario.Wait(TimeSpan.FromDays(2)).ContactSends("STOP");

        var imported = scenario.Wait(TimeSpan.FromDays(1)).AdminImports(ConsentState.OptedIn, collectedAt: evidenceAt);

        Assert.NotNull(imported.Decision.Refusal);
        Assert.Equal(ConsentState.OptedOut, imported.State);
    }

    [Fact]
    public void Importing_an_opt_in_with_evidence_dated_in_the_future_is_refused()
    {
        var scenario = Scenario.PendingByLine();

        var imported = scenario.AdminImports(ConsentState.OptedIn, collectedAt: scenario.Now.AddDays(1));

        Assert.NotNull(imported.Decision.Refusal);
        Assert.Equal(ConsentState.Pending, imported.State);
        Assert.Empty(imported.Released);
    }

    [Fact]
    public void Importing_an_opt_in_for_an_opted_in_contact_is_recorded_and_changes_nothing()
    {
        var scenario = Scenario.OptedIn();
        var before = scenario.Conversation;

        var imported = scenario.AdminImports(ConsentState.OptedIn, collectedAt: scenario.Now.AddDays(-1));

        Assert.Null(imported.Decision.Refusal);
        Assert.Equal(before, scenario.Conversation);
        Assert.Equal([new AuditNote("consent_import_confirmed", "import:paper_form")], imported.Effects);
    }

    [Fact]
    public void Importing_an_opt_out_opts_out_without_a_confirmation_to_the_contact()
    {
        var scenario = Scenario.OptedIn();

        var imported = scenario.AdminImports(ConsentState.OptedOut, collectedAt: scenario.Now.AddDays(-1), method: "phone_call");

        Assert.Equal(ConsentState.OptedOut, imported.State);
        Assert.Empty(imported.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], imported.ToLine);
        Assert.Equal(new OptOutRecord(OptOutSource.Admin, "import:phone_call"), scenario.Conversation.OptOut);
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    public void Importing_neither_opted_in_nor_opted_out_is_refused(ConsentState state)
    {
        var scenario = Scenario.PendingByLine();

        var imported = scenario.AdminImports(state, collectedAt: scenario.Now.AddDays(-1));

        Assert.NotNull(imported.Decision.Refusal);
        Assert.Equal(ConsentState.Pending, imported.State);
    }

    [Theory]
    [InlineData(ConsentState.None)]
    [InlineData(ConsentState.Pending)]
    [InlineData(ConsentState.OptedIn)]
    public void Staff_revoking_consent_opts_out_shows_the_notice_and_sends_no_confirmation(ConsentState state)
    {
        var scenario = Scenario.In(state);

        var revoked = scenario.StaffRevokes("client asked by phone");

        Assert.Equal(ConsentState.OptedOut, revoked.State);
        Assert.Empty(revoked.ToContact);
        Assert.Equal([SeedTexts.OptOutNotice], revoked.ToLine);
        Assert.Equal(new ConsentChanged(state, ConsentState.OptedOut, "consent_revoked", "client asked by phone"), revoked.Transition);
        Assert.Equal(OptOutSource.Admin, scenario.Conversation.OptOut!.Source);
    }

    [Fact]
    public void Staff_revoking_consent_in_pending_cancels_the_held_messages()
    {
        var scenario = Scenario.PendingByLine();

        var revoked = scenario.StaffRevokes();

        Assert.Equal([scenario.Turns[0].Message], revoked.Cancelled);
        Assert.Empty(revoked.Released);
    }

    [Fact]
    public void After_a_revocation_only_the_contact_or_newer_evidence_opts_in_again()
    {
        var scenario = Scenario.OptedIn();
        var evidenceAt = scenario.Now.AddDays(-1);
        scenario.StaffRevokes();

        Assert.NotNull(scenario.Wait(TimeSpan.FromDays(1)).AdminImports(ConsentState.OptedIn, evidenceAt).Decision.Refusal);
        Assert.Equal(ConsentState.OptedIn, scenario.Wait(TimeSpan.FromDays(1)).ContactSends("START").State);
    }
}
