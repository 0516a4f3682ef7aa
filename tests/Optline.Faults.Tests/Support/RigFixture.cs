namespace Optline.Faults.Tests.Support;

/// <summary>One real server (child process, SQLite) shared by a test class; each test uses its own contacts.</summary>
public class RigFixture : IAsyncLifetime
{
    public Rig Rig { get; private set; } = null!;

    protected virtual RigOptions Options => new() { Name = "abuse", Lines = 4 };

    public async Task InitializeAsync() => Rig = await Rig.StartAsync(Options);

    public async Task DisposeAsync() => await Rig.DisposeAsync();
}
