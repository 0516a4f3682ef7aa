using System.Net;
using System.Net.Http.Json;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>Reads answers, failing with the body in the message when the status is not the expected one.</summary>
public static class Http
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        await ExpectStatusAsync(response, expected);
        return (await response.Content.ReadFromJsonAsync<T>(OptlineClient.Json))!;
    }

    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        }
    }

    /// <summary>Asserts an RFC 9457 problem with the status and the stable type <c>urn:optline:problem:{slug}</c>.</summary>
    public static async Task<Problem> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string slug)
    {
        await ExpectStatusAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<Problem>(OptlineClient.Json))!;
        Assert.Equal("urn:optline:problem:" + slug, problem.Type);
        Assert.Equal((int)expected, problem.Status);
        return problem;
    }
}
