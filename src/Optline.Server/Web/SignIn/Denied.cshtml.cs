using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Optline.Server.Web.SignIn;

/// <summary><c>/denied</c>: a signed-in person opened a page their key does not allow (a line user and the portal).</summary>
public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
