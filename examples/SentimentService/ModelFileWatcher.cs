using System.Threading.Channels;

namespace SentimentService;

/// <summary>
/// Watches the model file and reloads it once writes have settled: every change, creation or rename onto the file restarts
/// a quiet period (<see cref="Debounce"/>); when it passes, <see cref="ModelStore.Reload"/> reads the file. Replacing the
/// file by a rename (write a temporary file beside it, then move it over) is the safe way to publish a model; a file
/// caught half-written is rejected and read again at its next change. The file's size and write time are also compared
/// every <see cref="PollInterval"/>, for the places where a watcher misses events or cannot start (network shares, some
/// containers, the inotify limit).
/// </summary>
public sealed partial class ModelFileWatcher(ModelStore store, TimeSpan debounce, ILogger<ModelFileWatcher> log) : BackgroundService
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>How long the file must stay unchanged before it is read.</summary>
    public TimeSpan Debounce { get; } = debounce;

    /// <summary>How often the file's size and write time are compared with the last ones seen.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(2);

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
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (IOException e)
        {
            LogWatcherError(log, file, $"{e.Message}; polling every {PollInterval.TotalSeconds} s only");
        }
        Task polling = PollAsync(file, stoppingToken);
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
        await polling.ConfigureAwait(false);
    }

    private async Task PollAsync(string file, CancellationToken stoppingToken)
    {
        static (DateTime, long) Stamp(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
        }
        var last = Stamp(file);
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Stamp(file);
                if (now != last) _changes.Writer.TryWrite(true);
                last = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching {File} failed: {Reason}")]
    private static partial void LogWatcherError(ILogger logger, string file, string reason);
}
