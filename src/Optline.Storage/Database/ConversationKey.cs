namespace Optline.Storage.Database;

/// <summary>
/// Which conversation a write is about (its line and contact). It picks the writer, and it orders the events of a
/// batch: every node takes conversation rows in this same order, so two batches never wait on each other in a circle.
/// </summary>
public readonly record struct ConversationKey(long LineId, string Contact) : IComparable<ConversationKey>
{
    public int CompareTo(ConversationKey other)
    {
        var byLine = LineId.CompareTo(other.LineId);
        return byLine != 0 ? byLine : string.CompareOrdinal(Contact, other.Contact);
    }
}
