// The safetensors reader and writer of the generated model.py, as Python text: they need only torch
// (Debian's python3-torch has no safetensors package). A constant: nothing from a file goes in.

/**
 * `read_safetensors(path)` (the `safetensors` package when installed, else the format read here:
 * an 8-byte little-endian header length, a JSON header, raw little-endian data) and
 * `write_safetensors(tensors, path)` (float32, names sorted, header padded with spaces to 8 bytes —
 * the layout `safetensors.torch.save_file` writes), for model.py.
 *
 * @example
 * ```ts
 * const code = `import torch\n${SAFETENSORS_PYTHON}`;
 * ```
 */
// biome-ignore lint/complexity/noUselessStringRaw: keeps any backslash later written into the Python source verbatim
export const SAFETENSORS_PYTHON = String.raw`
#: A longer header is taken as corruption (the reference reader's limit).
MAX_HEADER_BYTES = 100_000_000
_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}


def read_safetensors(path: str) -> dict:
    """Tensors of a safetensors file by name (CPU). Uses the safetensors package when installed;
    else reads the format itself: 8-byte little-endian header length, JSON header, raw data."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        return _read_safetensors(path)
    return load_file(path)


def _read_safetensors(path: str) -> dict:
    if sys.byteorder != "little":
        raise RuntimeError(f"{path}: this reader needs a little-endian machine; pip install safetensors")
    with open(path, "rb") as file:
        data = file.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes, shorter than the 8-byte header length of a safetensors file")
    (length,) = struct.unpack("<Q", data[:8])
    if length > MAX_HEADER_BYTES or 8 + length > len(data):
        raise ValueError(f"{path}: header length {length} is over {MAX_HEADER_BYTES} bytes or past the end of the {len(data)}-byte file")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    body = memoryview(data)[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise ValueError(f"{path}: tensor {name[:80]!r} has dtype {str(entry.get('dtype'))[:20]!r}, not one of {', '.join(_DTYPES)}")
        shape = [int(size) for size in entry["shape"]]
        start, end = (int(offset) for offset in entry["data_offsets"])
        count = 1
        for size in shape:
            count *= size
        itemsize = torch.empty(0, dtype=dtype).element_size()
        if not 0 <= start <= end <= len(body) or end - start != count * itemsize:
            raise ValueError(f"{path}: tensor {name[:80]!r} {shape}: data_offsets [{start}, {end}] do not hold {count} values inside the file")
        if count == 0:
            tensors[name] = torch.zeros(shape, dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(bytearray(body[start:end]), dtype=dtype).reshape(shape)
    return tensors


def write_safetensors(tensors: dict, path: str) -> None:
    """Writes float32 tensors (names sorted) as safetensors with {"format": "pt"} metadata: the
    layout safetensors.torch.save_file writes, which Backprop reads (--init-from, --weights)."""
    if sys.byteorder != "little":
        raise RuntimeError(f"{path}: this writer needs a little-endian machine; pip install safetensors")
    names = sorted(tensors, key=lambda name: name.encode("utf-8"))
    header = {"__metadata__": {"format": "pt"}}
    chunks, offset = [], 0
    for name in names:
        tensor = tensors[name].detach().to("cpu", torch.float32).contiguous()
        raw = tensor.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as file:
        file.write(struct.pack("<Q", len(text)))
        file.write(text)
        for raw in chunks:
            file.write(raw)
    os.replace(temporary, path)
`;
