using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Server.Settings;
using Optline.Server.Web.Auth;
using Optline.Server.Web.Shared;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Portal;

/// <summary>
/// <c>/portal</c>: the organization's consent policy. Saving goes through the API's own code: the merge patch is
/// validated by <see cref="SettingsPatch"/>, stored as a new version, and turning SMS opt-in off releases held SMS.
/// </summary>
public sealed class SettingsModel(OrganizationStore organizations, SettingsChanges changes) : PageModel
{
    [BindProperty]
    public SettingsForm Form { get; set; } = new();

    public long Version { get; private set; }

    public OrganizationSettings Current { get; private set; } = new();

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public Feedback? Result { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        (Version, Current) = await organizations.GetSettingsAsync(User.Principal().OrganizationId, ct);
        Form = SettingsForm.From(Current);
        Result = Feedback.Take(TempData);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var organizationId = User.Principal().OrganizationId;
        (Version, Current) = await organizations.GetSettingsAsync(organizationId, ct);
        var patch = PatchJson.AsReceived(Form.ToPatch(Current));
        if (patch.Count == 0)
        {
            Feedback.Put(TempData, new Feedback(Feedback.Ok, "Nothing changed."));
            return Redirect("/portal");
        }

        if (SettingsPatch.Validate(patch, Current) is { } error)
        {
            Errors[error.Field] = PortalErrors.ForField(error);
            return Page();
        }

        var (version, updated) = await organizations.UpdateSettingsAsync(organizationId, (s, next) => SettingsPatch.Apply(patch, s, next), "admin", ct);
        var released = Current.SmsOptInRequired && !updated.SmsOptInRequired;
        if (released)
        {
            await changes.ReleaseHeldSmsAsync(organizationId, ct);
        }

        Feedback.Put(TempData, new Feedback(Feedback.Ok, $"Settings saved as version {version}." + (released ? " SMS messages that were held are being delivered." : string.Empty)));
        return Redirect("/portal");
    }
}
