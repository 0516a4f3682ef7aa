using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Optline.Server.Hosting;

namespace Optline.Server.Tests.Hosting;

public sealed class HostingTests(SimulatorTestServer server) : IClassFixture<SimulatorTestServer>
{
    [Fact]
    public async Task Health_answers_200_without_a_key()
    {
        using var response = await server.Anonymous.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_is_served_and_lists_the_messages_endpoint()
    {
        using var response = await server.Anonymous.GetAsync("/openapi/v1.json");
        var document = await Http.ReadAsync<JsonElement>(response, HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/messages", paths);
        Assert.Contains("/api/v1/conversations", paths);
        Assert.Contains("/webhooks/twilio", paths);
    }

    [Fact]
    public async Task Api_reference_page_answers_200()
    {
        using var response = await server.Anonymous.GetAsync("/api/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Configuration_files_are_read_once_so_that_database_writes_under_the_content_root_wake_no_watcher()
    {
        var watched = await ConfigurationFilesWatchedAsync([]);

        Assert.NotEmpty(watched);
        Assert.All(watched, file => Assert.False(file.Watched, file.Path));
    }

    [Fact]
    public async Task An_operator_can_switch_the_configuration_watch_back_on_with_an_argument()
    {
        var watched = await ConfigurationFilesWatchedAsync(["--hostBuilder:reloadConfigOnChange=true"]);

        Assert.NotEmpty(watched);
        Assert.All(watched, file => Assert.True(file.Watched, file.Path));
    }

    private static async Task<IReadOnlyList<(string? Path, bool Watched)>> ConfigurationFilesWatchedAsync(string[] args)
    {
        await using var app = OptlineApp.Build(args);
        return [.. ((IConfigurationRoot)app.Configuration).Providers.OfType<FileConfigurationProvider>().Select(f => (f.Source.Path, f.Source.ReloadOnChange))];
    }

    [Fact]
    public async Task The_first_organization_is_bootstrapped_with_the_configured_admin_key()
    {
        var lines = await server.Admin.LinesAsync();

        Assert.NotNull(lines.Items);
    }
}
