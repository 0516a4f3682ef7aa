using Optline.Core.Consent;
using Optline.Server.Settings;
using Optline.Server.Web.Inbox;
using Optline.Server.Web.Portal;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Web.Tests.Pages;

/// <summary>The pages' own decisions, without a browser: what a settings form changes, and what the send box says.</summary>
public sealed class PageLogicTests
{
    [Fact]
    public void A_settings_form_patches_only_what_changed()
    {
        var current = new OrganizationSettings();
        var form = SettingsForm.From(current);
        form.MaxRequests = "5";
        form.SmsOptInRequired = false;

        var patch = PatchJson.AsReceived(form.ToPatch(current));

        Assert.Equal(["maxRequests", "smsOptInRequired"], patch.Select(p => p.Key).Order());
        var applied = SettingsPatch.Apply(patch, current, 2);
        Assert.Equal(5, applied.MaxRequests);
        Assert.False(applied.SmsOptInRequired);
    }

    [Fact]
    public void A_number_that_does_not_parse_is_refused_by_the_apis_own_validation()
    {
        var current = new OrganizationSettings();
        var form = SettingsForm.From(current);
        form.RequestCooldownSeconds = "a day";

        var error = SettingsPatch.Validate(PatchJson.AsReceived(form.ToPatch(current)), current);

        Assert.NotNull(error);
        Assert.Equal("requestCooldownSeconds", error.Field);
        Assert.Equal("Must be a whole number from 0 to 31536000.", PortalErrors.ForField(error));
    }

    [Fact]
    public void Clearing_the_retention_period_keeps_the_record_forever()
    {
        var current = new OrganizationSettings { RetentionDays = 365 };
        var form = SettingsForm.From(current);
        form.RetentionDays = " ";

        var applied = SettingsPatch.Apply(PatchJson.AsReceived(form.ToPatch(current)), current, 2);

        Assert.Null(applied.RetentionDays);
    }

    [Theory]
    [InlineData("held", null, "The contact has been asked to opt in; your message will be delivered when they reply YES.")]
    [InlineData("blocked", "opted_out", "This contact opted out. Nothing was sent, and a line cannot ask an opted-out contact again: they must write to you first.")]
    [InlineData("blocked", "whatsapp_window_closed", "Outside WhatsApp's 24-hour window: the contact has not written to you on WhatsApp in the last 24 hours, so WhatsApp allows no free-form message. Nothing was sent.")]
    [InlineData("queued", null, "Sent: your message is on its way to the contact.")]
    public void The_send_box_explains_each_outcome(string status, string? reason, string expected)
    {
        var outcome = new EventOutcome(Guid.NewGuid(), status, reason, ConsentState.Pending, null);

        Assert.Equal(expected, SendOutcomes.Explain(outcome).Text);
    }

    [Fact]
    public void A_held_message_from_the_contact_is_not_shown_before_they_opt_in()
    {
        var held = new TimelineItem(1, Guid.NewGuid(), "message", "inbound", "secret plans", MessageStatuses.Held, null, null, DateTimeOffset.UnixEpoch);

        Assert.True(TimelineLabels.HidesBody(held));
        Assert.Equal("Held until the contact opts in", TimelineLabels.Flag(held));
        Assert.False(TimelineLabels.HidesBody(held with { Status = MessageStatuses.Delivered }));
    }
}
