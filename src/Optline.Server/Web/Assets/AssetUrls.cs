using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Optline.Server.Web.Assets;

/// <summary>
/// Serves the stylesheet and scripts at URLs that carry a hash of their content, so browsers cache them for a year
/// and a new version is fetched the moment it changes.
/// </summary>
public static class AssetUrls
{
    private static readonly Asset Css = new("optline.css", "text/css; charset=utf-8", Assets.StyleSheet.Css);
    private static readonly Asset Live = new("live.js", "text/javascript; charset=utf-8", Scripts.Live);
    private static readonly Asset Preview = new("template-preview.js", "text/javascript; charset=utf-8", Scripts.TemplatePreview);
    private static readonly Asset[] All = [Css, Live, Preview];

    public static string StyleSheet => Css.Url;

    public static string LiveScript => Live.Url;

    public static string PreviewScript => Preview.Url;

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        foreach (var asset in All)
        {
            app.MapGet("/assets/" + asset.Name, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
                http.Response.Headers.ETag = asset.ETag;
                if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                return Results.Bytes(asset.Bytes, asset.ContentType);
            }).ExcludeFromDescription();
        }

        return app;
    }

    private sealed class Asset
    {
        public Asset(string name, string contentType, string text)
        {
            Name = name;
            ContentType = contentType;
            Bytes = Encoding.UTF8.GetBytes(text);
            var version = Convert.ToHexStringLower(SHA256.HashData(Bytes))[..12];
            Url = $"/assets/{name}?v={version}";
            ETag = new EntityTagHeaderValue($"\"{version}\"").ToString();
        }

        public string Name { get; }

        public string ContentType { get; }

        public byte[] Bytes { get; }

        public string Url { get; }

        public string ETag { get; }
    }
}
