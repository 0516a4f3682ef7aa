using System.Text.Json.Nodes;

namespace Optline.Server.Web.Portal;

/// <summary>
/// The portal builds its settings changes as JSON merge patches and hands them to the API's own <c>SettingsPatch</c>.
/// Serialised and parsed again, a patch has exactly the shape the API receives from a request body.
/// </summary>
public static class PatchJson
{
    public static JsonObject AsReceived(JsonObject patch) => JsonNode.Parse(patch.ToJsonString())!.AsObject();
}
