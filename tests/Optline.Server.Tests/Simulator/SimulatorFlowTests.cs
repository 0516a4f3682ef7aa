using System.Net;

namespace Optline.Server.Tests.Simulator;

/// <summary>With no carrier configured, the simulator plays the contact through the same pipeline (PRODUCT.md §6).</summary>
public sealed class SimulatorFlowTests(SimulatorTestServer server) : IClassFixture<SimulatorTestServer>
{
    [Theory]
    [InlineData("sms")]
    [InlineData("whatsapp")]
    public async Task The_line_first_seed_flow_runs_end_to_end_in_the_simulator(string channel)
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();

        var sent = await line.Client.SendAsync(line.Number, contact, "Hi, this is Alex from Acme.", channel);

        Assert.Equal("held", sent.Status);
        Assert.Equal([SeedTexts.LineRequestFor("Alex Morgan")], (await OutboundAsync(contact, 1)).Select(m => m.Body));
        await PlayContactAsync(contact, line, "YES", channel);
        var outbound = await OutboundAsync(contact, 3);
        // Both appear; the order they reached the phone is the carrier tests' concern (the simulator lists by send time in ms).
        AssertSameMessages([SeedTexts.LineRequestFor("Alex Morgan"), SeedTexts.LineOptedInConfirm, "Hi, this is Alex from Acme."], outbound);
        Assert.All(outbound, m => Assert.Equal(channel, m.Channel));
        Assert.All(outbound, m => Assert.Equal(line.Number, m.From));
        var conversation = await line.Client.ConversationAsync(line.Number, contact, channel);
        Assert.Equal([SeedTexts.LinePendingNotice, SeedTexts.LineOptedInNotice], conversation.Notices);
        Assert.Empty(server.Carrier.Sent);
    }

    [Fact]
    public async Task The_contact_first_flow_and_stop_run_in_the_simulator()
    {
        var line = await server.NewLineAsync("Alex Morgan");
        var contact = server.NewContactNumber();

        var first = await PlayContactAsync(contact, line, "Hi Alex, a question", "sms");
        Assert.Equal("held", first.Status);
        Assert.Equal([SeedTexts.ContactRequestFor("Alex Morgan")], (await OutboundAsync(contact, 1)).Select(m => m.Body));
        await PlayContactAsync(contact, line, "YES", "sms");
        await OutboundAsync(contact, 2);
        await PlayContactAsync(contact, line, "STOP", "sms");

        var outbound = await OutboundAsync(contact, 3);
        AssertSameMessages([SeedTexts.ContactRequestFor("Alex Morgan"), SeedTexts.ContactOptedInConfirm, SeedTexts.OptOutConfirm], outbound);
        var conversation = await line.Client.ConversationAsync(line.Number, contact);
        Assert.Contains("Hi Alex, a question", conversation.DeliveredInbound);
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
    }

    [Fact]
    public async Task The_simulator_refuses_an_empty_message()
    {
        var line = await server.NewLineAsync();

        using var response = await server.Anonymous.PostJsonAsync("/simulator/inbound", new { from = server.NewContactNumber(), to = line.Number, body = "", channel = "sms" });

        await Http.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-message-body");
    }

    private static void AssertSameMessages(string[] expected, IReadOnlyList<SimulatedOutbound> outbound) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), outbound.Select(m => m.Body).Order(StringComparer.Ordinal));

    private sealed record SimulatedInboundResult(Guid? Id, string? Status, bool Duplicate, ConsentInfo Consent);

    private async Task<SimulatedInboundResult> PlayContactAsync(string contact, TestLine line, string body, string channel)
    {
        using var response = await server.Anonymous.PostJsonAsync("/simulator/inbound", new { from = contact, to = line.Number, body, channel });
        return await Http.ReadAsync<SimulatedInboundResult>(response, HttpStatusCode.OK);
    }

    private Task<IReadOnlyList<SimulatedOutbound>> OutboundAsync(string contact, int count) =>
        Eventually.ProbeAsync<IReadOnlyList<SimulatedOutbound>>(
            async () =>
            {
                using var response = await server.Anonymous.GetAsync("/simulator/outbound" + OptlineClient.Query(("to", contact)));
                return (await Http.ReadAsync<SimulatedOutboundPage>(response, HttpStatusCode.OK)).Items;
            },
            items => items.Count >= count,
            $"{count} simulated message(s) to {contact}");
}
