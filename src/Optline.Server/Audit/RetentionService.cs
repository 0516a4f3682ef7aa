using Optline.Storage.Audit;
using Optline.Storage.Database;
using Optline.Storage.Organizations;

namespace Optline.Server.Audit;

/// <summary>Applies each organization's retention period once an hour; organizations without one keep everything.</summary>
public sealed partial class RetentionService(OrganizationStore organizations, AuditRetention retention, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                foreach (var id in await organizations.OrganizationIdsAsync(stoppingToken))
                {
                    var (_, settings) = await organizations.GetSettingsAsync(id, stoppingToken);
                    if (settings.RetentionDays is { } days)
                    {
                        var result = await retention.ApplyAsync(id, TimeSpan.FromDays(days), settings.LegalHold, stoppingToken);
                        LogApplied(logger, id, result.Removed);
                    }
                }
            }
            catch (StorageUnavailableException ex)
            {
                LogUnavailable(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Retention for organization {OrganizationId}: {Removed} records removed")]
    private static partial void LogApplied(ILogger logger, long organizationId, long removed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Retention skipped: the database is unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
