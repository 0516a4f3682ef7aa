using Optline.Core.Templates;
using Optline.Core.Tests.Consent;

namespace Optline.Core.Tests.Templates;

/// <summary>
/// PRODUCT.md §3: the default texts byte for byte, the variables <c>{UserName}</c>, <c>{OrganizationName}</c>,
/// <c>{ContactNumber}</c>, and a template refused when saved with an unknown variable or an empty text.
/// </summary>
public class TemplateTests
{
    private static readonly TemplateValues Values = new(SeedTexts.UserName, SeedTexts.OrganizationName, SeedTexts.ContactNumber);

    public static TheoryData<string> SpecTemplateIds() => [.. SeedTexts.ById.Keys];

    [Fact]
    public void The_template_ids_are_exactly_the_spec_ids()
    {
        Assert.Equal(SeedTexts.ById.Keys.Order(StringComparer.Ordinal), TemplateIds.All.Select(id => id.Name()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SpecTemplateIds))]
    public void Every_default_text_is_the_seed_text_byte_for_byte(string name)
    {
        Assert.True(TemplateIds.TryParse(name, out var id));
        var expected = SeedTexts.ById[name]
            .Replace("{UserName}", SeedTexts.UserName, StringComparison.Ordinal)
            .Replace("{OrganizationName}", SeedTexts.OrganizationName, StringComparison.Ordinal);

        var rendered = TemplateSet.Defaults.Render(id, "en", "en", Values);

        Assert.Equal(SeedTexts.ById[name], DefaultTemplates.Text(id));
        Assert.Equal(new RenderedText(id, "en", 0, expected), rendered);
    }

    [Theory]
    [InlineData("line_pending_notice", true)]
    [InlineData("line_optedin_notice", true)]
    [InlineData("contact_pending_notice", true)]
    [InlineData("contact_optedin_notice", true)]
    [InlineData("optout_notice", true)]
    [InlineData("line_request", false)]
    [InlineData("line_optedin_confirm", false)]
    [InlineData("contact_request", false)]
    [InlineData("contact_optedin_confirm", false)]
    [InlineData("optout_confirm", false)]
    [InlineData("help", false)]
    public void Notices_go_to_the_line_and_everything_else_to_the_contact(string name, bool isNotice)
    {
        Assert.True(TemplateIds.TryParse(name, out var id));

        Assert.Equal(isNotice, id.IsNotice());
    }

    [Fact]
    public void Help_renders_the_organization_name_and_the_user_name()
    {
        var help = MessageTemplate.Parse(SeedTexts.HelpTemplate);

        Assert.Equal(
            "[Auto Message] Harbor Health: you are messaging Dr. Jo Lee. Reply YES to opt in, STOP to opt out. Msg&data rates may apply.",
            help.Render(new TemplateValues("Dr. Jo Lee", "Harbor Health", SeedTexts.ContactNumber)));
    }

    [Fact]
    public void Contact_number_is_rendered()
    {
        var template = MessageTemplate.Parse("This message was sent to {ContactNumber} by {UserName}.");

        Assert.Equal("This message was sent to +12015550123 by Alex Morgan.", template.Render(Values));
    }

    [Fact]
    public void Variables_can_repeat_sit_side_by_side_and_open_or_close_the_text()
    {
        var template = MessageTemplate.Parse("{UserName}{OrganizationName} – {UserName} ({ContactNumber})");

        Assert.Equal("Alex MorganMorgan Wealth Partners – Alex Morgan (+12015550123)", template.Render(Values));
    }

    [Fact]
    public void A_text_without_variables_renders_as_itself_without_a_new_string_each_time()
    {
        var template = MessageTemplate.Parse(SeedTexts.OptOutConfirm);

        Assert.Equal(SeedTexts.OptOutConfirm, template.Render(Values));
        Assert.Same(template.Render(Values), template.Render(Values));
    }

    [Fact]
    public void The_known_variables_are_the_three_of_the_spec()
    {
        Assert.Equal(["UserName", "OrganizationName", "ContactNumber"], MessageTemplate.Variables);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    [InlineData(null)]
    public void An_empty_text_is_refused(string? text)
    {
        var error = Assert.Throws<TemplateException>(() => MessageTemplate.Parse(text));

        Assert.Equal("A template text cannot be empty.", error.Message);
    }

    [Theory]
    [InlineData("Hello {FirstName}", "{FirstName}")]
    [InlineData("Hello {username}", "{username}")]
    [InlineData("Hello {User Name}", "{User Name}")]
    [InlineData("Hello {}", "{}")]
    public void An_unknown_variable_is_refused_naming_it_and_the_known_ones(string text, string named)
    {
        var error = Assert.Throws<TemplateException>(() => MessageTemplate.Parse(text));

        Assert.Equal($"Unknown variable {named}. Known variables: {{UserName}}, {{OrganizationName}}, {{ContactNumber}}.", error.Message);
    }

    [Fact]
    public void An_unclosed_brace_is_refused_with_its_position()
    {
        var error = Assert.Throws<TemplateException>(() => MessageTemplate.Parse("[Auto Message] {UserName is trying to reach you."));

        Assert.Equal(
            "The brace at position 15 is never closed. Variables are written {UserName}, {OrganizationName} or {ContactNumber}.",
            error.Message);
    }

    [Fact]
    public void A_text_longer_than_an_sms_allows_is_refused()
    {
        var error = Assert.Throws<TemplateException>(() => MessageTemplate.Parse(new string('x', 1601)));

        Assert.Contains("1600", error.Message, StringComparison.Ordinal);
        Assert.Equal(1600, MessageTemplate.Parse(new string('x', 1600)).Text.Length);
    }

    [Fact]
    public void TryParse_reports_the_error_without_throwing()
    {
        Assert.False(MessageTemplate.TryParse("Hi {Nickname}", out _, out var error));
        Assert.Contains("{Nickname}", error, StringComparison.Ordinal);
        Assert.True(MessageTemplate.TryParse("Hi {UserName}", out var template, out var none));
        Assert.Equal(string.Empty, none);
        Assert.Equal("Hi {UserName}", template.Text);
    }

    [Fact]
    public void A_custom_text_is_found_for_its_language_with_its_version()
    {
        var set = new TemplateSet([Custom(TemplateId.OptOutConfirm, "es", 3, "[Mensaje automático]: Baja confirmada.")]);

        Assert.Equal(new RenderedText(TemplateId.OptOutConfirm, "es", 3, "[Mensaje automático]: Baja confirmada."), set.Render(TemplateId.OptOutConfirm, "es", "en", Values));
    }

    [Fact]
    public void Lookup_falls_back_to_the_default_language_then_to_the_seed()
    {
        var set = new TemplateSet(
        [
            Custom(TemplateId.OptOutConfirm, "en", 7, "Unsubscribed. Reply with a new message to come back."),
            Custom(TemplateId.OptOutConfirm, "es", 3, "Baja confirmada."),
        ]);

        Assert.Equal(new RenderedText(TemplateId.OptOutConfirm, "en", 7, "Unsubscribed. Reply with a new message to come back."), set.Render(TemplateId.OptOutConfirm, "fr", "en", Values));
        Assert.Equal(new RenderedText(TemplateId.Help, "en", 0, SeedTexts.Help()), set.Render(TemplateId.Help, "es", "en", Values));
    }

    [Fact]
    public void A_custom_language_tag_is_stored_case_insensitively()
    {
        var set = new TemplateSet([Custom(TemplateId.Help, "ES", 2, "Ayuda: {UserName}")]);

        Assert.Equal("Ayuda: Alex Morgan", set.Render(TemplateId.Help, "es", "en", Values).Text);
    }

    private static TemplateVersion Custom(TemplateId id, string language, int version, string text) =>
        new(id, language, version, MessageTemplate.Parse(text));
}
