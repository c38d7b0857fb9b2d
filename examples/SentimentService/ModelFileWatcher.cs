using System.Threading.Channels;

namespace SentimentService;

/// <summary>
/// Watches the model file and reloads it once writes have settled: every change, creation or rename onto the file restarts
/// a quiet period (<see cref="Debounce"/>); when it passes, <see cref="ModelStore.Reload"/> reads the file. Replacing the
/// file by a rename (write a temporary file beside it, then move it over) is the safe way to publish a model; a file
/// caught half-written is rejected and read again at its next change.
/// </summary>
public sealed partial class ModelFileWatcher(ModelStore store, TimeSpan debounce, ILogger<ModelFileWatcher> log) : BackgroundService
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>How long the file must stay unchanged before it is read.</summary>
    public TimeSpan Debounce { get; } = debounce;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string file = store.ModelFile;
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void OnChange(object sender, FileSystemEventArgs e)
        {
            if (string.Equals(e.FullPath, file, StringComparison.Ordinal)) _changes.Writer.TryWrite(true);
        }
        watcher.Changed += OnChange;
        watcher.Created += OnChange;
        watcher.Renamed += (sender, e) => OnChange(sender, e);
        watcher.Error += (_, e) => LogWatcherError(log, file, e.GetException().Message);
        watcher.EnableRaisingEvents = true;
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Quiet period: wait until no change arrived during a whole Debounce.
                do
                {
                    _changes.Reader.TryRead(out _);
                    await Task.Delay(Debounce, stoppingToken).ConfigureAwait(false);
                }
                while (_changes.Reader.TryRead(out _));
                store.Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching {File} failed: {Reason}")]
    private static partial void LogWatcherError(ILogger logger, string file, string reason);
}
