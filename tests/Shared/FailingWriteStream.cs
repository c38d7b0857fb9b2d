namespace Rnn.Tests.Shared;

/// <summary>A write-through stream that throws an <see cref="IOException"/> once more than <c>failAfter</c> bytes were written: a save that fails half-way.</summary>
internal sealed class FailingWriteStream(Stream inner, long failAfter) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => inner.SetLength(value);
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = failAfter - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(0, room)]);
            inner.Flush();
            throw new IOException($"simulated failure after {failAfter} bytes");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }
}
