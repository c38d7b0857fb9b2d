namespace SentimentService;

/// <summary>
/// The model being served, and the swap to a new one: the new zip is read, loaded and validated in full while the current
/// model goes on serving, then a single reference write makes it current. A file that fails any step is rejected (logged,
/// remembered for <c>/health</c>) and the current model stays.
/// </summary>
public sealed partial class ModelStore
{
    /// <summary>The sentence every new model must score before it is swapped in.</summary>
    public const string Probe = "the food was great";

    private readonly ILogger<ModelStore> _log;
    private readonly Lock _reloading = new();
    private ServedModel _current;
    private ModelRejection? _lastRejection;
    private int _rejections;

    /// <summary>Loads and validates the first model; throws when it cannot serve (the service does not start).</summary>
    public ModelStore(string modelFile, ILogger<ModelStore> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        ModelFile = Path.GetFullPath(modelFile);
        _log = log;
        _current = ServedModel.Load(File.ReadAllBytes(ModelFile), version: 1, ModelFile);
        _current.Validate(Probe);
        LogServing(_log, _current.Version, _current.Sha256, ModelFile);
    }

    /// <summary>The file watched for new models.</summary>
    public string ModelFile { get; }

    /// <summary>The model new requests get.</summary>
    public ServedModel Current => Volatile.Read(ref _current);

    /// <summary>How many new files were rejected.</summary>
    public int Rejections => Volatile.Read(ref _rejections);

    /// <summary>The last rejected file, if any.</summary>
    public ModelRejection? LastRejection => Volatile.Read(ref _lastRejection);

    /// <summary>
    /// Reads <see cref="ModelFile"/> again and swaps it in if it is new and serves; returns the model current afterwards.
    /// Requests in flight finish on the model they started with.
    /// </summary>
    public ServedModel Reload()
    {
        lock (_reloading)
        {
            ServedModel current = Current;
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(ModelFile);
            }
            catch (IOException e)
            {
                return Reject(null, $"cannot read {ModelFile}: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                return Reject(null, $"cannot read {ModelFile}: {e.Message}");
            }
            string sha = ServedModel.Hash(bytes);
            if (sha == current.Sha256) return current;
            ServedModel next;
#pragma warning disable CA1031 // any failure of a new model file is a rejection: the current model keeps serving
            try
            {
                next = ServedModel.Load(bytes, current.Version + 1, ModelFile);
                next.Validate(Probe);
            }
            catch (Exception e)
            {
                return Reject(sha, $"{e.GetType().Name}: {e.Message}");
            }
#pragma warning restore CA1031
            Volatile.Write(ref _current, next);
            LogSwapped(_log, current.Version, next.Version, next.Sha256);
            return next;
        }

        ServedModel Reject(string? sha, string reason)
        {
            Volatile.Write(ref _lastRejection, new ModelRejection(DateTimeOffset.UtcNow, sha, reason));
            Interlocked.Increment(ref _rejections);
            LogRejected(_log, ModelFile, reason, Current.Version);
            return Current;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "serving model version {Version} (sha256 {Sha256}) from {File}")]
    private static partial void LogServing(ILogger logger, int version, string sha256, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "swapped model version {Old} for version {New} (sha256 {Sha256})")]
    private static partial void LogSwapped(ILogger logger, int old, int @new, string sha256);

    [LoggerMessage(Level = LogLevel.Error, Message = "rejected new model file {File}: {Reason}; version {Version} keeps serving")]
    private static partial void LogRejected(ILogger logger, string file, string reason, int version);
}
