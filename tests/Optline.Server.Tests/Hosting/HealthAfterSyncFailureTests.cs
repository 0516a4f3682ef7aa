using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Optline.Server.Hosting;
using Optline.Server.Tests.Infrastructure;
using Optline.Storage.Database;

namespace Optline.Server.Tests.Hosting;

/// <summary>
/// A failed sync of SQLite's log leaves the disk's content unknown: the real server then refuses every event until it
/// restarts, and says so at <c>/health</c>, so that a supervisor restarts it.
/// </summary>
public sealed class HealthAfterSyncFailureTests : IAsyncDisposable
{
    private const string AdminKey = "olk_admin_health_0123456789abcdef0123456789";
    private const int SqliteIoError = 10;

    private readonly string _directory = Directory.CreateTempSubdirectory("optline-health-").FullName;
    private volatile bool _syncsFail;
    private WebApplication? _app;

    [Fact]
    public async Task After_a_failed_sync_events_are_refused_and_health_answers_503_until_restart()
    {
        using var http = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await NewLineAsync(http, "+1 201-555-0170")).StatusCode);

        _syncsFail = true;
        using var refused = await NewLineAsync(http, "+1 201-555-0171");
        _syncsFail = false;
        using var refusedLater = await NewLineAsync(http, "+1 201-555-0172");
        using var health = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("urn:optline:problem:storage-unavailable", await ProblemTypeAsync(refused));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedLater.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("urn:optline:problem:storage-failed", await ProblemTypeAsync(health));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<HttpClient> StartAsync()
    {
        var baseAddress = new Uri($"http://127.0.0.1:{OptlineTestServer.FreePort()}");
        _app = OptlineApp.Build(
            [
                $"--urls={baseAddress.ToString().TrimEnd('/')}",
                "--environment=Production",
                "--Logging:LogLevel:Default=None",
                $"--Optline:Database:ConnectionString=Data Source={Path.Combine(_directory, "optline.db")}",
                $"--Optline:Bootstrap:AdminApiKey={AdminKey}",
            ],
            services => services.AddSingleton(provider => new OptlineDatabase(
                provider.GetRequiredService<DatabaseOptions>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>(),
                syncLog: log => _syncsFail ? SqliteIoError : log.SyncDeferred())));
        await _app.Services.PrepareDatabaseAsync();
        await _app.StartAsync();
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        return http;
    }

    private static Task<HttpResponseMessage> NewLineAsync(HttpClient http, string number) =>
        http.PostAsJsonAsync("/api/v1/lines", new { number, displayName = "Alex Morgan" });

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
}
