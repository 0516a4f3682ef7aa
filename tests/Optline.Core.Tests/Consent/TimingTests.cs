using Optline.Core.Consent;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// PRODUCT.md §3 timings: the request cooldown (24 h), <c>maxRequests</c> (3), <c>requestValidity</c> (30 days)
/// and <c>heldMessageTtl</c> (7 days), with the defaults and with an organization's own values.
/// </summary>
public class TimingTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // Request cooldown

    [Fact]
    public void A_second_request_goes_only_after_the_default_cooldown_of_24_hours()
    {
        var scenario = Scenario.PendingByLine();
        var sinceRequest = scenario.Now - scenario.Conversation.Request!.LastRequestAt;

        var early = scenario.Wait(TimeSpan.FromHours(24) - sinceRequest - Second).LineSends();
        var onTime = scenario.Wait(Second).LineSends();

        Assert.Empty(early.ToContact);
        Assert.Equal([SeedTexts.LineRequest()], onTime.ToContact);
        Assert.Equal(scenario.Now, scenario.Conversation.Request!.LastRequestAt);
        Assert.Equal(2, scenario.Conversation.Request.RequestsSent);
    }

    [Fact]
    public void The_cooldown_counts_from_the_last_request_not_the_first()
    {
        var scenario = Scenario.PendingByLine();
        scenario.Wait(TimeSpan.FromHours(30)).LineSends();

        var early = scenario.Wait(TimeSpan.FromHours(23)).LineSends();
        var onTime = scenario.Wait(TimeSpan.FromHours(1)).LineSends();

        Assert.Empty(early.ToContact);
        Assert.Single(onTime.ToContact);
    }

    [Fact]
    public void A_custom_cooldown_is_honoured()
    {
        var policy = ConsentPolicy.Default with { RequestCooldown = TimeSpan.FromHours(2) };
        var scenario = new Scenario(Channel.Sms, policy);
        scenario.LineSends();

        var early = scenario.Wait(TimeSpan.FromHours(2) - Second).LineSends();
        var onTime = scenario.Wait(Second).LineSends();

        Assert.Empty(early.ToContact);
        Assert.Equal([SeedTexts.LineRequest()], onTime.ToContact);
    }

    // maxRequests

    [Fact]
    public void No_more_than_three_requests_are_sent_by_default()
    {
        var scenario = Scenario.PendingByLine();

        for (var day = 0; day < 10; day++)
        {
            scenario.Wait(TimeSpan.FromDays(1)).LineSends($"day {day}");
        }

        Assert.Equal(3, scenario.ContactReceived.Count(text => text == SeedTexts.LineRequest()));
        Assert.Equal(3, scenario.Conversation.Request!.RequestsSent);
        Assert.Single(scenario.LineSaw);
    }

    [Fact]
    public void Contact_chatter_counts_towards_the_same_request_limit()
    {
        var scenario = Scenario.PendingByLine();

        for (var day = 0; day < 5; day++)
        {
            scenario.Wait(TimeSpan.FromDays(1)).ContactSends("who is this??");
        }

        Assert.Equal(3, scenario.ContactReceived.Count);
    }

    [Fact]
    public void A_custom_request_limit_and_cooldown_are_honoured()
    {
        var policy = ConsentPolicy.Default with { MaxRequests = 5, RequestCooldown = TimeSpan.FromHours(1) };
        var scenario = new Scenario(Channel.Sms, policy);
        scenario.LineSends();

        for (var hour = 0; hour < 10; hour++)
        {
            scenario.Wait(TimeSpan.FromHours(1)).LineSends();
        }

        Assert.Equal(5, scenario.ContactReceived.Count);
    }

    [Fact]
    public void A_limit_of_one_request_means_no_reminder_ever_within_the_validity()
    {
        var policy = ConsentPolicy.Default with { MaxRequests = 1 };
        var scenario = new Scenario(Channel.Sms, policy);
        scenario.LineSends();

        for (var day = 0; day < 29; day++)
        {
            scenario.Wait(TimeSpan.FromDays(1)).LineSends();
        }

        Assert.Single(scenario.ContactReceived);
    }

    // requestValidity

    [Fact]
    public void Yes_more_than_thirty_days_after_the_last_request_is_held_and_a_new_request_goes_with_the_count_restarted()
    {
        var scenario = Scenario.PendingByLine();
        scenario.Wait(TimeSpan.FromDays(1)).LineSends();
        var lastRequest = scenario.Conversation.Request!.LastRequestAt;

        var yes = scenario.Wait(TimeSpan.FromDays(30) - (scenario.Now - lastRequest) + Second).ContactSends("YES");

        Assert.Equal(ConsentState.Pending, yes.State);
        Assert.Equal(MessageStatus.Held, yes.Status);
        Assert.Empty(yes.InboundToLine);
        Assert.Equal([SeedTexts.LineRequest()], yes.ToContact);
        Assert.Empty(yes.ToLine);
        Assert.Null(yes.Transition);
        Assert.Equal(new PendingRequest(Initiator.Line, scenario.Now, scenario.Now, 1), scenario.Conversation.Request);
        Assert.Contains(yes.Of<AuditNote>(), note => note.Event == "request_restarted");
    }

    [Fact]
    public void Yes_exactly_thirty_days_after_the_last_request_still_answers_it()
    {
        var scenario = new Scenario();
        scenario.LineSends();

        var yes = scenario.Wait(TimeSpan.FromDays(30)).ContactSends("YES");

        Assert.Equal(ConsentState.OptedIn, yes.State);
    }

    [Fact]
    public void Yes_to_the_renewed_request_opts_in()
    {
        var scenario = Scenario.PendingByContact();
        scenario.Wait(TimeSpan.FromDays(31)).ContactSends("YES");

        var yes = scenario.Wait(TimeSpan.FromMinutes(2)).ContactSends("YES");

        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Equal([SeedTexts.ContactOptedInConfirm], yes.ToContact);
        Assert.Equal([SeedTexts.ContactOptedInNotice], yes.ToLine);
    }

    [Fact]
    public void A_renewed_request_allows_the_full_count_again()
    {
        var scenario = Scenario.PendingByLine();
        scenario.Wait(TimeSpan.FromDays(1)).LineSends();
        scenario.Wait(TimeSpan.FromDays(1)).LineSends();
        scenario.Wait(TimeSpan.FromDays(31)).ContactSends("YES");
        var requestsBefore = scenario.ContactReceived.Count;

        for (var day = 0; day < 5; day++)
        {
            scenario.Wait(TimeSpan.FromDays(1)).LineSends();
        }

        Assert.Equal(4, requestsBefore);
        Assert.Equal(requestsBefore + 2, scenario.ContactReceived.Count);
    }

    [Fact]
    public void A_custom_request_validity_is_honoured()
    {
        var policy = ConsentPolicy.Default with { RequestValidity = TimeSpan.FromDays(2) };
        var scenario = new Scenario(Channel.Sms, policy);
        scenario.LineSends();

        var stale = scenario.Wait(TimeSpan.FromDays(2) + Second).ContactSends("yes");
        var fresh = scenario.Wait(TimeSpan.FromHours(1)).ContactSends("yes");

        Assert.Equal(ConsentState.Pending, stale.State);
        Assert.Equal([SeedTexts.LineRequest()], stale.ToContact);
        Assert.Equal(ConsentState.OptedIn, fresh.State);
    }

    // heldMessageTtl

    [Fact]
    public void A_held_message_expires_after_seven_days_and_is_never_released()
    {
        var scenario = new Scenario();
        var held = scenario.LineSends();

        var notYet = scenario.TimePasses(TimeSpan.FromDays(7) - Second);
        var expired = scenario.TimePasses(Second);

        Assert.Empty(notYet.Effects);
        Assert.Equal([new Expire(held.Message, Direction.Outbound)], expired.Effects);
        Assert.Empty(scenario.Conversation.Held);
        Assert.Equal(ConsentState.Pending, scenario.State);

        var yes = scenario.Wait(TimeSpan.FromDays(1)).ContactSends("YES");

        Assert.Equal(ConsentState.OptedIn, yes.State);
        Assert.Empty(yes.Released);
        Assert.DoesNotContain(held.Message, scenario.Turns.SelectMany(t => t.Released));
    }

    [Fact]
    public void A_held_contact_message_expires_too()
    {
        var scenario = new Scenario();
        var held = scenario.ContactSends("Hello?");

        var expired = scenario.TimePasses(TimeSpan.FromDays(8));

        Assert.Equal([new Expire(held.Message, Direction.Inbound)], expired.Effects);
    }

    [Fact]
    public void Held_messages_expire_lazily_on_any_event_before_it_is_decided()
    {
        var scenario = new Scenario();
        var old = scenario.LineSends("old");
        var recent = scenario.Wait(TimeSpan.FromDays(5)).LineSends("recent");

        var yes = scenario.Wait(TimeSpan.FromDays(3)).ContactSends("YES");

        Assert.Equal([old.Message], yes.Expired);
        Assert.Equal([recent.Message], yes.Released);
        var effects = yes.Effects.ToList();
        Assert.True(effects.FindIndex(e => e is Expire) < effects.FindIndex(e => e is Release));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("contact-stop")]
    [InlineData("carrier")]
    [InlineData("import")]
    public void Expiry_happens_whatever_the_event_and_an_expired_message_is_not_cancelled_afterwards(string @event)
    {
        var scenario = Scenario.PendingByLine();
        var held = scenario.Turns[0].Message;
        scenario.Wait(TimeSpan.FromDays(8));

        var turn = @event switch
        {
            "line" => scenario.LineSends(),
            "contact-stop" => scenario.ContactSends("STOP"),
            "carrier" => scenario.CarrierReportsOptOut(),
            _ => scenario.AdminImports(ConsentState.OptedIn, scenario.Now.AddDays(-1)),
        };

        Assert.Equal([held], turn.Expired);
        Assert.DoesNotContain(held, turn.Cancelled);
        Assert.DoesNotContain(held, turn.Released);
    }

    [Fact]
    public void A_custom_held_message_ttl_is_honoured()
    {
        var policy = ConsentPolicy.Default with { HeldMessageTtl = TimeSpan.FromHours(12) };
        var scenario = new Scenario(Channel.Sms, policy);
        var held = scenario.LineSends();

        var notYet = scenario.TimePasses(TimeSpan.FromHours(12) - Second);
        var expired = scenario.TimePasses(Second);

        Assert.Empty(notYet.Expired);
        Assert.Equal([held.Message], expired.Expired);
    }

    [Fact]
    public void Time_passing_alone_changes_no_consent_and_sends_nothing()
    {
        var scenario = Scenario.PendingByLine();

        var turn = scenario.TimePasses(TimeSpan.FromDays(60));

        Assert.Empty(turn.ToContact);
        Assert.Empty(turn.ToLine);
        Assert.Null(turn.Transition);
        Assert.Equal(ConsentState.Pending, turn.State);
    }
}
