using Microsoft.AspNetCore.Mvc.Filters;

namespace Optline.Server.Web;

/// <summary>
/// Headers on every page: scripts only from Optline itself (so no injected markup can ever run script), no framing,
/// no MIME sniffing, no referrer beyond this site. Inline styles stay allowed for the printable consent proof.
/// </summary>
public sealed class SecurityHeaders : IPageFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
