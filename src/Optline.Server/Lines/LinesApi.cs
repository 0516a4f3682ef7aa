using Optline.Core.Phones;
using Optline.Server.Api;
using Optline.Storage.Organizations;

namespace Optline.Server.Lines;

public sealed record CreateLineRequest(string? Number, string? DisplayName);

public sealed record RenameLineRequest(string? DisplayName);

public sealed record LineResponse(long Id, string Number, string DisplayName, string? ApiKey = null);

/// <summary><c>/api/v1/lines</c>: an admin adds lines, renames their display names and issues keys.</summary>
public static class LinesApi
{
    public const int MaxDisplayName = 100;

    public static RouteGroupBuilder MapLines(this RouteGroupBuilder api)
    {
        var lines = api.MapGroup("/lines").WithTags("Lines");
        lines.MapPost("/", CreateAsync);
        lines.MapGet("/", ListAsync);
        lines.MapPatch("/{id:long}", RenameAsync);
        lines.MapPost("/{id:long}/keys", IssueKeyAsync);
        return api;
    }

    private static async Task<IResult> CreateAsync(CreateLineRequest? request, HttpContext http, OrganizationStore store, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can add lines.");
        }

        if (!PhoneNumbers.TryNormalize(request?.Number, out var number, out var error))
        {
            return Problems.InvalidNumber(Addressing.NumberError(request?.Number ?? string.Empty, error), "number");
        }

        var name = request?.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxDisplayName)
        {
            return Problems.Validation($"displayName is required, 1 to {MaxDisplayName} characters: the name contacts see in opt-in requests.", "displayName");
        }

        var created = await store.CreateLineAsync(principal.OrganizationId, number, name, ct);
        if (created is not { } result)
        {
            return Problems.Conflict("line-exists", $"{number} is already a line.");
        }

        return TypedResults.Created($"/api/v1/lines/{result.Line.Id}", new LineResponse(result.Line.Id, result.Line.Number, result.Line.DisplayName, result.ApiKey));
    }

    private static async Task<IResult> ListAsync(HttpContext http, OrganizationStore store, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!Paging.TryParse(http.Request, out var paging, out var error))
        {
            return Problems.Validation(error);
        }

        var page = await store.ListLinesAsync(principal.OrganizationId, paging.After, paging.Limit, ct);
        var visible = page.Where(l => principal.LineId is null || principal.LineId == l.Id).Select(l => new LineResponse(l.Id, l.Number, l.DisplayName));
        return TypedResults.Ok(new { items = visible, next = Paging.Next(page, paging.Limit, l => l.Id) });
    }

    private static async Task<IResult> RenameAsync(long id, RenameLineRequest? request, HttpContext http, OrganizationStore store, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can rename lines.");
        }

        var name = request?.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxDisplayName)
        {
            return Problems.Validation($"displayName is required, 1 to {MaxDisplayName} characters.", "displayName");
        }

        var line = await store.RenameLineAsync(principal.OrganizationId, id, name, ct);
        return line is null
            ? Problems.NotFound("line", $"No line {id} in your organization.")
            : TypedResults.Ok(new LineResponse(line.Id, line.Number, line.DisplayName));
    }

    private static async Task<IResult> IssueKeyAsync(long id, HttpContext http, OrganizationStore store, CancellationToken ct)
    {
        var principal = http.Principal();
        if (!principal.IsAdmin)
        {
            return Problems.Forbidden("Only an admin key can issue keys.");
        }

        var line = await store.FindLineByIdAsync(id, ct);
        if (line is null || line.OrganizationId != principal.OrganizationId)
        {
            return Problems.NotFound("line", $"No line {id} in your organization.");
        }

        var key = await store.IssueKeyAsync(principal.OrganizationId, id, ct);
        return TypedResults.Created($"/api/v1/lines/{id}", new LineResponse(line.Id, line.Number, line.DisplayName, key));
    }
}
