using Optline.Storage.Audit;
using Optline.Storage.Conversations;

namespace Optline.Server.Audit;

/// <summary>
/// Everything a consent proof shows for one contact: the organization, the conversations and their current consent,
/// every attestation record about the contact in order, and the hashes that anchor them in the chain.
/// </summary>
public sealed record ConsentProof(
    string OrganizationName, string Contact, DateTimeOffset GeneratedAt, IReadOnlyList<RegistryEntry> Conversations,
    IReadOnlyList<AuditRecord> Records, AuditVerification Chain)
{
    public static string Describe(AuditRecord record) => record.Entry.Event switch
    {
        "contact_message" => "Received from the contact",
        "line_message" => "Written by the line",
        "automated_message_queued" => "Automated message to the contact",
        "notice_to_line" => "Notice shown to the line",
        "consent_pending" => "Consent: request pending",
        "consent_opted_in" => "Consent: opted in",
        "consent_opted_out" => "Consent: opted out",
        "message_sent" => "Sent by the carrier",
        "delivery_report" => "Carrier delivery report",
        "message_held" => "Held until consent",
        "held_message_released" => "Released after consent",
        "held_message_cancelled" => "Held message cancelled",
        "held_message_expired" => "Held message expired",
        "queued_message_cancelled" => "Queued message cancelled",
        "message_blocked" => "Blocked",
        "consent_import" => "Consent imported by staff",
        "consent_revocation" => "Consent revoked by staff",
        "carrier_opt_out" => "Opt-out reported by the carrier",
        "flagged_for_review" => "Flagged for review",
        "review_decided" => "Review decided",
        _ => record.Entry.Event.Replace('_', ' '),
    };

    /// <summary>The records a reader needs: what was asked, answered, shown and decided (not every bookkeeping step).</summary>
    public IEnumerable<AuditRecord> Essential => Records.Where(r => r.Entry.Event is not ("message_queued" or "message_delivered_to_line" or "send_retry_scheduled"));
}
