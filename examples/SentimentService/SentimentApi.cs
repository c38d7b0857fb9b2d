namespace SentimentService;

/// <summary>How the service runs.</summary>
/// <param name="ModelFile">The ML.NET model zip to serve and watch.</param>
/// <param name="Urls">Where Kestrel listens (e.g. <c>http://127.0.0.1:5000</c>; port 0 picks a free one).</param>
/// <param name="Debounce">Quiet period after the last change of the file before it is read; default 500 ms.</param>
/// <param name="MaxBatch">Most sentences in one request; default 256.</param>
public sealed record ServiceOptions(string ModelFile, string Urls = "http://127.0.0.1:5000", TimeSpan? Debounce = null, int MaxBatch = 256);

/// <summary>The minimal API: <c>POST /predict</c> and <c>GET /health</c>, served from <see cref="ModelStore.Current"/>.</summary>
public static class SentimentApi
{
    /// <summary>Builds the web application (not started): the model is loaded and validated here.</summary>
    public static WebApplication Build(ServiceOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(options.Urls);
        // One line per request at Information would cost more than the prediction.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(services => new ModelStore(options.ModelFile, services.GetRequiredService<ILogger<ModelStore>>()));
        builder.Services.AddHostedService(services => new ModelFileWatcher(services.GetRequiredService<ModelStore>(),
            options.Debounce ?? TimeSpan.FromMilliseconds(500), services.GetRequiredService<ILogger<ModelFileWatcher>>()));
        var app = builder.Build();
        app.Services.GetRequiredService<ModelStore>();   // load the first model now: a bad one stops the start

        app.MapPost("/predict", (PredictRequest request, ModelStore store) =>
        {
            IReadOnlyList<string>? texts = request.Texts ?? (request.Text is { } one ? [one] : null);
            if (texts is null || texts.Count == 0)
                return Results.Problem("give \"text\": a sentence, or \"texts\": a list of sentences", statusCode: StatusCodes.Status400BadRequest);
            if (texts.Count > options.MaxBatch)
                return Results.Problem($"at most {options.MaxBatch} sentences per request, got {texts.Count}", statusCode: StatusCodes.Status400BadRequest);
            if (texts.Any(t => t is null))
                return Results.Problem("a sentence is null", statusCode: StatusCodes.Status400BadRequest);
            return Results.Ok(store.Current.Predict(texts));   // one model for the whole request
        });

        app.MapGet("/health", (ModelStore store) =>
        {
            ServedModel model = store.Current;
            return Results.Ok(new HealthResponse("serving", model.File, model.Version, model.Sha256, model.LoadedAt,
                store.Rejections, store.LastRejection));
        });
        return app;
    }
}
