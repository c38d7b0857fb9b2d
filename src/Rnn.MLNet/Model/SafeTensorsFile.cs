// Format: safetensors (https://github.com/huggingface/safetensors), the subset Rnn.MLNet writes and reads:
//   [0..8)      u64 little-endian N = header length in bytes
//   [8..8+N)    UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [b, e] }, ... }
//               optionally "__metadata__": { string: string }; padded with spaces to a multiple of 8
//   [8+N..)     raw little-endian float32 data; tensor bytes at [8+N+b, 8+N+e), e - b = 4 * product(shape)
// Kept behind this one internal class so it can switch to Rnn.Core.Serialization.SafeTensors when merged.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Rnn.Core;

namespace Rnn.MLNet.Model;

/// <summary>Minimal float32 safetensors writer and a reader that checks every size before allocating.</summary>
internal static class SafeTensorsFile
{
    /// <summary>The largest header this reader accepts.</summary>
    public const int MaxHeaderBytes = 16 << 20;

    public static byte[] Write(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        long offset = 0;
        foreach ((string name, Tensor t) in tensors)
        {
            long bytes = 4L * t.Length;
            header[name] = new { dtype = "F32", shape = t.Shape.ToArray(), data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        long at = 8 + padded;
        foreach (Tensor t in tensors.Values)
        {
            Span<byte> dst = result.AsSpan((int)at, 4 * t.Length);
            if (BitConverter.IsLittleEndian)
                MemoryMarshal.AsBytes(t.Span).CopyTo(dst);
            else
                for (int i = 0; i < t.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], t.Span[i]);
            at += 4 * t.Length;
        }
        return result;
    }

    /// <summary>Reads the tensors of <paramref name="bytes"/>; <paramref name="what"/> names the file in error messages.</summary>
    public static Dictionary<string, Tensor> Read(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length < 8)
            throw new InvalidDataException($"{what}: truncated safetensors file ({bytes.Length} bytes, the header length alone takes 8).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"{what}: safetensors header declares {headerLength} bytes but the file holds {bytes.Length - 8} after the length (limit {MaxHeaderBytes}).");
        ReadOnlySpan<byte> data = bytes[(8 + (int)headerLength)..];
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes.Slice(8, (int)headerLength).ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{what}: safetensors header is not a JSON object.");
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                    continue;
                result[p.Name] = ReadTensor(p, data, what);
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: safetensors header is not valid JSON: {e.Message}", e);
        }
        return result;
    }

    private static Tensor ReadTensor(JsonProperty p, ReadOnlySpan<byte> data, string what)
    {
        JsonElement e = p.Value;
        string where = $"{what}: tensor '{p.Name}'";
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out JsonElement dtype) || !e.TryGetProperty("shape", out JsonElement shape)
            || !e.TryGetProperty("data_offsets", out JsonElement offsets)
            || shape.ValueKind != JsonValueKind.Array || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{where} needs dtype, shape and data_offsets [begin, end].");
        if (dtype.GetString() != "F32")
            throw new InvalidDataException($"{where} has dtype {dtype.GetString()}; only F32 is supported.");
        if (shape.GetArrayLength() > 16)
            throw new InvalidDataException($"{where} has {shape.GetArrayLength()} dimensions (limit 16).");
        var dims = new int[shape.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (!d.TryGetInt64(out long size) || size < 0 || size > int.MaxValue)
                throw new InvalidDataException($"{where} has an invalid dimension {d}.");
            dims[k++] = (int)size;
            count = size == 0 ? 0 : count > data.Length / Math.Max(size, 1) ? long.MaxValue : count * size;
        }
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > data.Length)
            throw new InvalidDataException($"{where} has data_offsets [{offsets[0]}, {offsets[1]}] outside the {data.Length} data bytes.");
        if (count == long.MaxValue || count * 4 != end - begin)
            throw new InvalidDataException($"{where} declares shape [{string.Join(", ", dims)}] but holds {end - begin} bytes.");
        var values = new float[count];
        ReadOnlySpan<byte> src = data[(int)begin..(int)end];
        if (BitConverter.IsLittleEndian)
            src.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else
            for (int i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
        return Tensor.FromArray(values, dims);
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
