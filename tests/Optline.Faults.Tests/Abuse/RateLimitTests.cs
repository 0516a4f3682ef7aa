using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>A server with a tight limit (5 requests per second, bursts of 10) so a flood is quick to make.</summary>
public sealed class TightRateLimitFixture : RigFixture
{
    protected override RigOptions Options => new()
    {
        Name = "ratelimit",
        Lines = 2,
        Settings = new Dictionary<string, string> { ["RateLimit__PermitsPerSecond"] = "5", ["RateLimit__Burst"] = "10" },
    };
}

/// <summary>A flood from one key gets 429 with Retry-After; other keys, the webhooks and /health do not notice.</summary>
public sealed class RateLimitTests(TightRateLimitFixture fixture) : IClassFixture<TightRateLimitFixture>
{
    private Rig Rig => fixture.Rig;

    [Fact]
    public async Task A_flood_from_one_key_gets_429_with_retry_after_while_other_keys_and_webhooks_go_through()
    {
        var (flooder, neighbour) = (Rig.Lines[0], Rig.Lines[1]);

        var flood = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", bearer: flooder.ApiKey)));
        var other = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", bearer: neighbour.ApiKey);
        var webhooks = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Requests.SignedTwilioAsync(Rig, Rig.TwilioForm(Requests.NewSid(), Rig.Contacts.Next(), flooder.Number, "hello"))));
        var health = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Requests.SendAsync(Rig, HttpMethod.Get, "/health")));

        var limited = flood.Where(a => a.Status == 429).ToList();
        Assert.InRange(flood.Count(a => a.Status == 200), 10, 20);
        Assert.True(limited.Count >= 40, $"{limited.Count} of 60 were limited");
        Assert.All(limited, a =>
        {
            Assert.Equal(Requests.ProblemPrefix + "rate-limited", a.ProblemType);
            Assert.InRange(int.Parse(a.Response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        });
        Assert.Equal(200, other.Status);
        Assert.All(webhooks, a => Assert.Equal(200, a.Status));
        Assert.All(health, a => Assert.Equal(200, a.Status));

        // After the wait it asked for, the key works again (bounded polling, no fixed sleep).
        var retryAfter = TimeSpan.FromSeconds(int.Parse(limited[0].Response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
        var until = Clock.Now + retryAfter + TimeSpan.FromSeconds(5);
        Answer again;
        do
        {
            await Task.Delay(100);
            again = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", bearer: flooder.ApiKey);
        }
        while (again.Status == 429 && Clock.Now < until);
        Assert.Equal(200, again.Status);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_cannot_use_up_a_real_keys_allowance()
    {
        var line = Rig.Lines[1];

        var forged = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", bearer: "olk_line_forged" + i)));
        var real = await Requests.SendMessageAsync(Rig, line.ApiKey, line.Number, Rig.Contacts.Next(), "Still here");

        Assert.All(forged, a => Assert.True(a.Status is 401 or 429, a.ToString()));
        Assert.Equal(202, real.Status);
    }
}
