# Produces SafeTensorsTest.TorchFixture (the base64 line) and the expected values: /usr/bin/python3 make_torch_fixture.py
# Writes a safetensors file the way the Python `safetensors` library does (sorted names, compact JSON,
# "__metadata__" first, header padded with spaces to a multiple of 8), with json/struct and torch only.
import json, struct, base64, torch
tensors = {
    "w32": torch.tensor([[1.5, -2.25, 3.0], [0.1, 1e-3, -7.0]], dtype=torch.float32),
    "h16": torch.tensor([1.5, -2.0, 0.333], dtype=torch.float16),
    "b16": torch.tensor([3.140625, -0.5, 1e10], dtype=torch.bfloat16),
    "d64": torch.tensor([[0.1], [1e-40]], dtype=torch.float64),
    "scalar": torch.tensor(4.0, dtype=torch.float32),
}
names = sorted(tensors)
dt = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}
header = {"__metadata__": {"format": "pt"}}
data = b""
for n in names:
    t = tensors[n].contiguous()
    raw = t.view(torch.uint8).numpy().tobytes() if t.dim() > 0 else t.reshape(1).view(torch.uint8).numpy().tobytes()
    header[n] = {"dtype": dt[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
blob = struct.pack("<Q", len(h)) + h + data
# open("torch_fixture.safetensors", "wb").write(blob)
print(base64.b64encode(blob).decode())
for n in names: print(n, tensors[n].float().flatten().tolist())
