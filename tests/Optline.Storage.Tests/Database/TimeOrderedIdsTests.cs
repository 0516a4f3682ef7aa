using Optline.Storage.Database;

namespace Optline.Storage.Tests.Database;

public sealed class TimeOrderedIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void An_id_is_a_version_7_uuid_of_its_millisecond_as_the_runtime_makes_one()
    {
        var id = TimeOrderedIds.New(At);
        var runtimes = Guid.CreateVersion7(At);

        Assert.Equal(7, id.Version);
        Assert.Equal(runtimes.Variant >> 2, id.Variant >> 2); // RFC 9562's variant: the top two bits, 10
        Assert.Equal(runtimes.ToString()[..13], id.ToString()[..13]);
    }

    [Fact]
    public void Ids_of_one_millisecond_differ_and_later_milliseconds_sort_after()
    {
        var ids = Enumerable.Range(0, 5_000).Select(_ => TimeOrderedIds.New(At)).ToList();
        var later = TimeOrderedIds.New(At.AddMilliseconds(1));

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(later.CompareTo(id) > 0, $"{later} sorts after {id}"));
    }

    [Fact]
    public void The_random_part_is_not_repeated_across_refills_of_the_buffer()
    {
        var randomParts = Enumerable.Range(0, 2_000).Select(_ => TimeOrderedIds.New(At).ToString()[15..]).ToList();

        Assert.Equal(randomParts.Count, randomParts.Distinct().Count());
    }
}
