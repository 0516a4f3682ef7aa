namespace Optline.Server.Hosting;

/// <summary>
/// Endpoints that are set up on the first request that reaches them rather than at start: the web pages (Razor Pages
/// discovers and describes every page when it is mapped) and the API reference. The first 200 on <c>/health</c>, the
/// API and the webhooks never wait for them.
/// </summary>
public static class LazyEndpoints
{
    // The key under which WebApplication shares its route builder with every branch; without it a branch routes on its own table.
    private const string GlobalRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    /// <summary>
    /// Maps <paramref name="map"/> in a routing table of its own, built on the first request that matched no endpoint of
    /// the main table, and consulted only by such requests. Link generation still sees these endpoints once built.
    /// </summary>
    public static WebApplication UseLazyEndpoints(this WebApplication app, Action<IEndpointRouteBuilder> map)
    {
        IApplicationBuilder pipeline = app;
        pipeline.Use(next =>
        {
            var branch = new Lazy<RequestDelegate>(() => Build(pipeline, map, next), LazyThreadSafetyMode.ExecutionAndPublication);
            return context => context.GetEndpoint() is null ? branch.Value(context) : next(context);
        });
        return app;
    }

    private static RequestDelegate Build(IApplicationBuilder pipeline, Action<IEndpointRouteBuilder> map, RequestDelegate next)
    {
        var branch = pipeline.New();
        branch.Properties.Remove(GlobalRouteBuilderKey);
        branch.UseRouting();
        // Authentication ran in the main pipeline; authorization needs the endpoint this branch's routing picks.
        branch.UseAuthorization();
        branch.UseEndpoints(map);
        branch.Run(next);
        return branch.Build();
    }
}
