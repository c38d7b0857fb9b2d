namespace Rnn.MLNet.Tests.TestKit;

/// <summary>A temporary file deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string content, string extension = ".tsv")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnnml-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
