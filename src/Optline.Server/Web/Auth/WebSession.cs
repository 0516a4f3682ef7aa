using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Optline.Storage.Organizations;

namespace Optline.Server.Web.Auth;

/// <summary>
/// The browser session: an API key exchanged once for a cookie that carries the principal (organization, line) and a
/// key id derived from the key's hash — never the key. The cookie is HttpOnly, SameSite=Strict, Secure over HTTPS,
/// and re-checked against the key on every request so a revoked key ends its sessions.
/// </summary>
public static class WebSession
{
    public const string AdminPolicy = "optline-admin";
    public const string OrganizationClaim = "optline:organization";
    public const string LineClaim = "optline:line";
    public const string KeyIdClaim = "optline:key";
    public const string OrganizationNameClaim = "optline:organization-name";
    public const string LineNumberClaim = "optline:line-number";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "optline.session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = "/";
        options.LogoutPath = "/signout";
        options.AccessDeniedPath = "/denied";
        options.ReturnUrlParameter = "returnUrl";
        options.ExpireTimeSpan = TimeSpan.FromHours(12);
        options.SlidingExpiration = true;
        options.Events.OnValidatePrincipal = async context =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<SessionKeys>();
            if (context.Principal is null || !await keys.IsStillValidAsync(context.Principal, context.HttpContext.RequestAborted))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
        };
    }

    public static ClaimsPrincipal CreatePrincipal(Principal principal, string keyId, string organizationName, Line? line)
    {
        var claims = new List<Claim>
        {
            new(OrganizationClaim, principal.OrganizationId.ToString(CultureInfo.InvariantCulture)),
            new(KeyIdClaim, keyId),
            new(OrganizationNameClaim, organizationName),
            new(ClaimTypes.Name, line is null ? "Admin" : line.Number),
        };
        if (principal.LineId is { } lineId)
        {
            claims.Add(new Claim(LineClaim, lineId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(LineNumberClaim, line?.Number ?? string.Empty));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The signed-in principal; only call where the page requires a signed-in user.</summary>
    public static Principal Principal(this ClaimsPrincipal user) =>
        user.TryGetPrincipal() ?? throw new InvalidOperationException("The request has no signed-in Optline session.");

    public static Principal? TryGetPrincipal(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true
            || !long.TryParse(user.FindFirstValue(OrganizationClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var organization))
        {
            return null;
        }

        var line = user.FindFirstValue(LineClaim);
        return new Principal(organization, line is null ? null : long.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    public static bool IsAdmin(this ClaimsPrincipal user) => user.TryGetPrincipal() is { IsAdmin: true };

    public static string OrganizationName(this ClaimsPrincipal user) => user.FindFirstValue(OrganizationNameClaim) ?? string.Empty;

    /// <summary>Where a principal starts: admins in the portal, line users in their inbox.</summary>
    public static string HomeOf(Principal principal) => principal.IsAdmin ? "/portal" : "/inbox";
}
