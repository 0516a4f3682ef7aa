using System.Net;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Simulator;

/// <summary>With real carriers configured, the simulator page says plainly that it is off (plain HTTP: no browser needed).</summary>
public sealed class SimulatorOffTests
{
    [Fact]
    public async Task The_simulator_page_says_so_when_both_channels_use_real_carriers()
    {
        await using var server = await WebServer.StartAsync("--Optline:Sms:Provider=twilio", "--Optline:WhatsApp:Provider=cloudapi");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync(new Uri("/simulator", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The simulator is off: SMS goes through Twilio and WhatsApp through the WhatsApp Cloud API.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Open the phone", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_simulated_channel_is_offered_when_the_other_uses_a_real_carrier()
    {
        await using var server = await WebServer.StartAsync("--Optline:Sms:Provider=twilio");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var html = await http.GetStringAsync(new Uri("/simulator", UriKind.Relative));

        Assert.Contains("SMS goes through Twilio here, so only WhatsApp can be simulated.", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"whatsapp\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"sms\"", html, StringComparison.Ordinal);
    }
}
