using Optline.Storage.Organizations;

namespace Optline.Server.Api;

/// <summary>Bearer API keys: admin keys act for their organization, line keys for one line.</summary>
public static class ApiKeyAuth
{
    private const string PrincipalItem = "optline.principal";

    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Unauthorized();
            }

            var store = http.RequestServices.GetRequiredService<OrganizationStore>();
            var principal = await store.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted);
            if (principal is null)
            {
                return Problems.Unauthorized();
            }

            http.Items[PrincipalItem] = principal;
            return await next(context);
        });
        return group;
    }

    public static Principal Principal(this HttpContext http) => (Principal)http.Items[PrincipalItem]!;
}
