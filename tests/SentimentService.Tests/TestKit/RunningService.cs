using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;

namespace SentimentService.Tests.TestKit;

/// <summary>The service on Kestrel at 127.0.0.1 with a free port, serving a copy of a model in its own folder.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private RunningService(WebApplication app, string folder, string modelFile, HttpClient client)
    {
        _app = app;
        _folder = folder;
        ModelFile = modelFile;
        Client = client;
    }

    /// <summary>The watched model file.</summary>
    public string ModelFile { get; }

    /// <summary>A client whose base address is the service (enough connections for every test client at once).</summary>
    public HttpClient Client { get; }

    public static async Task<RunningService> StartAsync(string firstModelZip, TimeSpan debounce)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"rnnml-service-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string modelFile = Path.Combine(folder, "model.zip");
        File.Copy(firstModelZip, modelFile);
        var app = SentimentApi.Build(new ServiceOptions(modelFile, "http://127.0.0.1:0", debounce));
        await app.StartAsync().ConfigureAwait(false);
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(app.Urls.First()) };
        return new RunningService(app, folder, modelFile, client);
    }

    /// <summary>Publishes a new model the safe way: written beside the file, then renamed over it.</summary>
    public void Publish(string zip)
    {
        string temporary = ModelFile + ".tmp";
        File.Copy(zip, temporary, overwrite: true);
        File.Move(temporary, ModelFile, overwrite: true);
    }

    public async Task<HealthResponse> HealthAsync() =>
        (await Client.GetFromJsonAsync<HealthResponse>("/health").ConfigureAwait(false))!;

    /// <summary>Polls <c>/health</c> (every 20 ms, at most a minute) until <paramref name="done"/> holds; fails the test otherwise.</summary>
    public async Task<HealthResponse> WaitForAsync(Func<HealthResponse, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            HealthResponse health = await HealthAsync().ConfigureAwait(false);
            if (done(health)) return health;
            if (clock.Elapsed > TimeSpan.FromMinutes(1)) Assert.Fail($"the service did not get to: {what} (last health: {health})");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public async Task<PredictResponse> PredictAsync(params string[] texts)
    {
        using var response = await Client.PostAsJsonAsync("/predict", new PredictRequest(null, texts)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PredictResponse>().ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_folder, recursive: true);
    }
}
