using BenchmarkDotNet.Attributes;
using Optline.Core.Templates;

namespace Optline.Bench;

/// <summary>Rendering an automated text: a template with variables, and a literal one.</summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private readonly TemplateValues _values = new("Alex Morgan", "Morgan Wealth Partners", "+12015550123");
    private readonly MessageTemplate _lineRequest = MessageTemplate.Parse(DefaultTemplates.Text(TemplateId.LineRequest));
    private readonly MessageTemplate _help = MessageTemplate.Parse(DefaultTemplates.Text(TemplateId.Help));
    private readonly MessageTemplate _optOutConfirm = MessageTemplate.Parse(DefaultTemplates.Text(TemplateId.OptOutConfirm));

    [Benchmark(Description = "render line_request ({UserName})")]
    public string RenderLineRequest() => _lineRequest.Render(_values);

    [Benchmark(Description = "render help ({OrganizationName}, {UserName})")]
    public string RenderHelp() => _help.Render(_values);

    [Benchmark(Description = "render optout_confirm (no variables)")]
    public string RenderOptOutConfirm() => _optOutConfirm.Render(_values);

    [Benchmark(Description = "TemplateSet.Render help (lookup + render + RenderedText)")]
    public RenderedText TemplateSetRenderHelp() => TemplateSet.Defaults.Render(TemplateId.Help, "en", "en", _values);
}
