namespace Rnn.Core.Serialization;

/// <summary>
/// Writes a file so that a reader sees either the old content or the whole new content, never a part: the content goes
/// to a temporary file in the same directory (same file system, so the move is a rename), is flushed to disk, and is then
/// moved over the destination. A write that throws, or a process killed mid-write, leaves the old file untouched and at
/// most a hidden <c>.NAME.*.tmp</c> beside it (removed when the write throws).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically (see the class remarks).</summary>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (a fresh file stream, positioned at 0).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(FaultForTesting is { } fault ? fault(file) : file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary); // the old file at path is untouched
            throw;
        }
    }

    /// <summary>Tests only: wraps the temporary file's stream (e.g. in one that throws part-way) on this thread. Default null.</summary>
    [ThreadStatic]
    internal static Func<Stream, Stream>? FaultForTesting;
}
