using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Core.Consent;
using Optline.Server.Consents;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Inbox;
using Optline.Storage.Conversations;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary><c>/portal/registry</c>: every conversation's current consent, searched by number, filtered, paged, and exported as CSV.</summary>
public sealed class RegistryModel(RegistryQueries registry, OrganizationStore organizations) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Contact { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Channel { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Line { get; set; }

    public IReadOnlyList<RegistryEntry> Entries { get; private set; } = [];

    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public long? Next { get; private set; }

    public bool Paged { get; private set; }

    /// <summary>The current filters as a query string, for the paging and export links.</summary>
    public string FilterQuery => string.Join('&', new[] { ("contact", Contact), ("state", State), ("channel", Channel), ("line", Line?.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public async Task OnGetAsync(long? after, CancellationToken ct)
    {
        var principal = User.Principal();
        Lines = (await LineAccess.ResolveAsync(organizations, principal, null, ct)).Choices;
        var items = new List<RegistryEntry>();
        await foreach (var entry in registry.StreamAsync(principal.OrganizationId, Filter(), after ?? 0, PageSize, ct))
        {
            items.Add(entry);
        }

        Entries = items;
        Paged = after is > 0;
        Next = items.Count == PageSize ? items[^1].ConversationId : null;
    }

    /// <summary>The whole filtered registry as CSV, streamed with the same writer as the API and the command line.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"optline-consents.csv\"";
        await RegistryCsv.WriteAsync(registry.StreamAsync(User.Principal().OrganizationId, Filter(), ct: ct), Response.Body, ct);
        return new EmptyResult();
    }

    private RegistryFilter Filter()
    {
        var digits = new string([.. (Contact ?? string.Empty).Where(char.IsAsciiDigit)]);
        ConsentState? state = VocabularyNames.TryParseState(State, out var parsedState) ? parsedState : null;
        Channel? channel = VocabularyNames.TryParseChannel(Channel, out var parsedChannel) ? parsedChannel : null;
        // The registry query is scoped to the organization, so another organization's line id matches nothing.
        return new RegistryFilter(LineId: Line, ContactContains: digits.Length == 0 ? null : digits, State: state, Channel: channel);
    }
}
