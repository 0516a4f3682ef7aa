using Optline.Storage.Database;
using Optline.Storage.Tests.Support;

namespace Optline.Storage.Tests.Database;

/// <summary><c>Optline__Database__*</c>: a bad value is refused with a message that names the key.</summary>
public sealed class DatabaseOptionsTests
{
    [Theory]
    [InlineData("sqlite", null)]
    [InlineData("sqlite", 1)]
    [InlineData("postgres", null)]
    [InlineData("postgres", 1)]
    [InlineData("postgres", 8)]
    public void Writers_within_bounds_are_accepted(string provider, int? writers) =>
        Assert.Null(new DatabaseOptions { Provider = provider, Writers = writers }.Validate());

    [Theory]
    [InlineData("sqlite", 2)]
    [InlineData("postgres", 0)]
    [InlineData("postgres", 65)]
    public void Writers_out_of_bounds_or_more_than_one_on_sqlite_are_refused(string provider, int writers)
    {
        var problem = new DatabaseOptions { Provider = provider, Writers = writers }.Validate();

        Assert.Equal("Optline__Database__Writers must be between 1 and 64, and 1 on SQLite.", problem);
    }

    [Theory, AllDatabases]
    public async Task The_writer_count_is_the_configured_one_or_the_dialects_default(string provider)
    {
        var more = provider == TestDatabase.Postgres ? 3 : 1;
        await using var configured = await TestDatabase.CreateAsync(provider, writers: more);
        await using var defaulted = await TestDatabase.CreateAsync(provider);

        Assert.Equal(more, configured.Database.Writer.WriterCount);
        Assert.Equal(1, defaulted.Database.Writer.WriterCount);
    }
}
