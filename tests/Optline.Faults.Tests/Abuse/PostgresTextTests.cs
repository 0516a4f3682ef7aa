using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>
/// Text PostgreSQL cannot hold (the NUL character) is never a 5xx, on either database: it is stored verbatim (SQLite), or
/// refused with a 400 problem and nothing stored (PostgreSQL); never acknowledged without being stored.
/// </summary>
public sealed class PostgresTextTests
{
    [Fact]
    public Task A_nul_character_in_a_message_is_never_a_server_error_on_sqlite() => NulCharacterAsync(null);

    [PostgresFact]
    public async Task A_nul_character_in_a_message_is_never_a_server_error_on_postgres()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        await NulCharacterAsync(postgres);
    }

    private static async Task NulCharacterAsync(PostgresCluster? postgres)
    {
        await using var rig = await Rig.StartAsync(new RigOptions { Name = "nul", Postgres = postgres, Lines = 1 });
        var line = rig.Lines[0];
        var body = "before\u0000after";
        var sid = Requests.NewSid();
        var wamid = Requests.NewWamid();

        var api = await Requests.SendMessageAsync(rig, line.ApiKey, line.Number, rig.Contacts.Next(), body);
        var sms = await Requests.SignedTwilioAsync(rig, rig.TwilioForm(sid, rig.Contacts.Next(), line.Number, body));
        var whatsapp = await Requests.WhatsAppAsync(rig, Requests.WhatsAppText(rig.Contacts.Next(), line.Number, body, wamid));

        foreach (var (answer, id) in new[] { (api, (string?)null), (sms, sid), (whatsapp, wamid) })
        {
            if (postgres is null)
            {
                Assert.True(answer.Status is 200 or 202, answer.ToString());
            }
            else
            {
                Assert.Equal(400, answer.Status);
                Assert.Equal(Requests.ProblemPrefix + "unstorable-text", answer.ProblemType);
            }

            if (id is not null)
            {
                Assert.Equal(postgres is null ? [body] : [], StoreSnapshot.InboundBodies(rig.Database, id));
            }
        }
    }
}
