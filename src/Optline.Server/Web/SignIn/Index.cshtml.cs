using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Optline.Server.Web.Auth;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.SignIn;

/// <summary><c>/</c>: sign in with an API key; a signed-in person goes straight to their home (portal or inbox).</summary>
public sealed partial class SignInModel(OrganizationStore organizations, ILogger<SignInModel> logger) : PageModel
{
    [BindProperty]
    public string? ApiKey { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet(string? returnUrl) =>
        User.TryGetPrincipal() is { } principal ? LocalRedirect(Destination(principal, returnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync(string? returnUrl, CancellationToken ct)
    {
        var key = ApiKey?.Trim();
        ApiKey = null;
        if (string.IsNullOrEmpty(key))
        {
            Error = "Enter your API key.";
            return Page();
        }

        var principal = await organizations.AuthenticateAsync(key, ct);
        if (principal is null)
        {
            LogRefused(logger);
            Error = "This key is not valid. Check that you copied all of it; an admin can issue a new one.";
            return Page();
        }

        var organization = await organizations.GetOrganizationAsync(principal.OrganizationId, ct);
        var line = principal.LineId is { } lineId ? await organizations.FindLineByIdAsync(lineId, ct) : null;
        var user = WebSession.CreatePrincipal(principal, SessionKeys.KeyIdOf(key), organization?.Name ?? string.Empty, line);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user);
        LogSignedIn(logger, principal.OrganizationId, principal.LineId);
        return LocalRedirect(Destination(principal, returnUrl));
    }

    /// <summary>Back where the person was sent from, if that is a page of this site they may open; else their home.</summary>
    private string Destination(Principal principal, string? returnUrl) =>
        Url.IsLocalUrl(returnUrl) && returnUrl != "/" && (principal.IsAdmin || !returnUrl.StartsWith("/portal", StringComparison.OrdinalIgnoreCase))
            ? returnUrl
            : WebSession.HomeOf(principal);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Web sign-in refused: unknown or revoked key")]
    private static partial void LogRefused(ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Web sign-in for organization {OrganizationId}, line {LineId}")]
    private static partial void LogSignedIn(ILogger logger, long organizationId, long? lineId);
}
