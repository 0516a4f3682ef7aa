using Optline.Core.Consent;
using Optline.Core.Templates;
using Optline.Core.Tests.Consent;

namespace Optline.Core.Tests.Templates;

/// <summary>
/// PRODUCT.md §3: every text is configurable per organization, per template id and per language. The engine answers
/// in the language of the keyword the contact used, falls back to the default language, and records the version.
/// </summary>
public class LocalizedTemplateTests
{
    private const string SpanishConfirm = "[Mensaje automático]: Consentimiento confirmado. Para darse de baja, responda STOP";
    private const string SpanishHelp = "[Mensaje automático] {OrganizationName}: está escribiendo a {UserName} desde {ContactNumber}. Responda SI o STOP.";

    private static ConsentPolicy WithTemplates(params TemplateVersion[] templates) =>
        ConsentPolicy.Default with { Templates = new TemplateSet(templates) };

    private static TemplateVersion Custom(TemplateId id, string language, int version, string text) =>
        new(id, language, version, MessageTemplate.Parse(text));

    [Fact]
    public void A_contact_answering_si_gets_the_custom_spanish_confirmation_with_its_version()
    {
        var scenario = Scenario.PendingByLine(policy: WithTemplates(Custom(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm)));

        var yes = scenario.ContactSends("SI");

        var confirm = Assert.Single(yes.Of<SendToContact>()).Text;
        Assert.Equal(new RenderedText(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm), confirm);
        Assert.Equal(ConsentState.OptedIn, yes.State);
    }

    [Fact]
    public void A_language_without_a_custom_text_falls_back_to_the_seed_text()
    {
        var scenario = Scenario.PendingByLine(policy: WithTemplates(Custom(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm)));

        var yes = scenario.ContactSends("OUI");

        Assert.Equal(new RenderedText(TemplateId.LineOptedInConfirm, "en", 0, SeedTexts.LineOptedInConfirm), yes.Of<SendToContact>()[0].Text);
        Assert.Equal([SeedTexts.LineOptedInNotice], yes.ToLine);
    }

    [Fact]
    public void A_language_without_a_custom_text_falls_back_to_the_custom_default_language_text()
    {
        var policy = WithTemplates(
            Custom(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm),
            Custom(TemplateId.LineOptedInConfirm, "en", 9, "You're in, {UserName} can text you now. Reply STOP to opt out."));
        var scenario = Scenario.PendingByLine(policy: policy);

        var yes = scenario.ContactSends("JA");

        Assert.Equal(new RenderedText(TemplateId.LineOptedInConfirm, "en", 9, "You're in, Alex Morgan can text you now. Reply STOP to opt out."), yes.Of<SendToContact>()[0].Text);
    }

    [Fact]
    public void Notices_stay_in_the_organization_language_when_the_contact_answers_in_another()
    {
        var policy = WithTemplates(
            Custom(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm),
            Custom(TemplateId.LineOptedInNotice, "es", 4, "[Mensaje automático]: Su contacto aceptó."));
        var scenario = Scenario.PendingByLine(policy: policy);

        var yes = scenario.ContactSends("SI");

        Assert.Equal([SpanishConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.LineOptedInNotice], yes.ToLine);
    }

    [Fact]
    public void A_default_language_in_capitals_finds_the_lower_case_custom_text()
    {
        var policy = WithTemplates(Custom(TemplateId.LineOptedInConfirm, "es", 4, SpanishConfirm)) with { DefaultLanguage = "ES" };
        var scenario = Scenario.PendingByLine(policy: policy);

        var yes = scenario.ContactSends("YES");

        Assert.Equal([SpanishConfirm], yes.ToContact);
    }

    [Fact]
    public void Help_in_spanish_renders_every_variable()
    {
        var scenario = new Scenario(policy: WithTemplates(Custom(TemplateId.Help, "es", 2, SpanishHelp)));

        var help = scenario.ContactSends("Ayuda");

        Assert.Equal(
            ["[Mensaje automático] Morgan Wealth Partners: está escribiendo a Alex Morgan desde +12015550123. Responda SI o STOP."],
            help.ToContact);
        Assert.Equal(2, help.Of<SendToContact>()[0].Text.Version);
    }

    [Fact]
    public void The_default_language_applies_when_the_contact_used_no_keyword()
    {
        var policy = WithTemplates(Custom(TemplateId.ContactRequest, "es", 1, "[Mensaje automático] Está intentando contactar a {UserName}. Responda SI o STOP.")) with
        {
            DefaultLanguage = "es",
        };
        var scenario = new Scenario(policy: policy);

        var first = scenario.ContactSends("Hola, ¿es Alex?");

        Assert.Equal(["[Mensaje automático] Está intentando contactar a Alex Morgan. Responda SI o STOP."], first.ToContact);
        Assert.Equal([SeedTexts.ContactPendingNotice], first.ToLine);
    }

    [Fact]
    public void The_texts_use_the_line_display_name_exactly_as_the_admin_submitted_it()
    {
        var scenario = new Scenario();
        var context = scenario.Context with { LineDisplayName = "Dr. María-José O'Brien" };

        var decision = ConsentEngine.Decide(Conversation.New, new LineSent(Guid.NewGuid(), "hi", Scenario.Start), ConsentPolicy.Default, context);

        Assert.Equal(SeedTexts.LineRequest("Dr. María-José O'Brien"), decision.Effects.OfType<SendToContact>().Single().Text.Text);
    }
}
