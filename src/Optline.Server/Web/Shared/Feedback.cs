using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Optline.Server.Web.Shared;

/// <summary>A one-line result shown after a form is posted and the browser redirected (never a secret, never a message body).</summary>
public sealed record Feedback(string Kind, string Text)
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Bad = "bad";

    private const string KindKey = "feedback.kind";
    private const string TextKey = "feedback.text";

    public static void Put(ITempDataDictionary tempData, Feedback feedback)
    {
        tempData[KindKey] = feedback.Kind;
        tempData[TextKey] = feedback.Text;
    }

    public static Feedback? Take(ITempDataDictionary tempData) =>
        tempData[KindKey] is string kind && tempData[TextKey] is string text ? new Feedback(kind, text) : null;
}
