#!/usr/bin/env python3
"""Records what llama-quantize's default mixes write for SmolLM2-135M-Instruct (the shipped Q4_1 file, requantized),
as the fixture Tests/Support/Fixtures/smollm2-mixes.json that QuantizeMixTests checks `quantlab quantize --mix`
against without llama.cpp.

usage: mix-fixture.py QUANTLAB ANCHOR_DIR OUT.json
For each mix: llama-quantize --allow-requantize SmolLM2-135M-Instruct.Q4_1.gguf into a temporary file (files already
in ANCHOR_DIR/model are reused), then the tensor order, every tensor's type and CRC-32 of its bytes, and the whole
file's size and CRC-32."""
import json, os, subprocess, sys, tempfile, zlib

MIXES = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S",
         "Q5_K_M", "Q6_K", "IQ4_NL", "IQ4_XS"]

def layout(quantlab, path):
    out = subprocess.run([quantlab, "inspect", path, "--json", "--array-limit", "0"], check=True, capture_output=True).stdout
    report = json.loads(out)
    return report["tensors"], report["metadata"]

def main():
    quantlab, anchor, out_path = sys.argv[1:4]
    source = os.path.join(anchor, "model", "SmolLM2-135M-Instruct.Q4_1.gguf")
    with open(source, "rb") as f:
        source_crc = zlib.crc32(f.read())
    fixture = {"about": "llama-quantize --allow-requantize SmolLM2-135M-Instruct.Q4_1.gguf OUT MIX (llama.cpp 0c1e570, "
                        "no imatrix); written by Experiments/llama-quantize-parity/mix-fixture.py",
               "source_crc32": f"{source_crc:08x}", "tensors": None, "mixes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for mix in MIXES:
            path = os.path.join(anchor, "model", f"smollm2-{mix}.gguf")
            if not os.path.exists(path):
                path = os.path.join(tmp, f"llama-{mix}.gguf")
                subprocess.run([os.path.join(anchor, "bin", "llama-quantize"), "--allow-requantize", source, path, mix],
                               check=True, capture_output=True)
            tensors, metadata = layout(quantlab, path)
            names = [t["name"] for t in tensors]
            if fixture["tensors"] is None:
                fixture["tensors"] = names
            assert names == fixture["tensors"], f"{mix}: tensor order differs between llama.cpp outputs"
            with open(path, "rb") as f:
                data = f.read()
            fixture["mixes"][mix] = {
                "file_type": metadata["general.file_type"],
                "file_bytes": len(data),
                "file_crc32": f"{zlib.crc32(data):08x}",
                "types": [t["type"] for t in tensors],
                "crc32": [f"{zlib.crc32(data[t['file_offset']:t['file_offset'] + t['bytes']]):08x}" for t in tensors],
            }
    # One line per list: small diffs when llama.cpp changes one tensor.
    lines = ["{", f' "about": {json.dumps(fixture["about"])},', f' "source_crc32": "{fixture["source_crc32"]}",',
             f' "tensors": {json.dumps(fixture["tensors"])},', ' "mixes": {']
    for i, (mix, entry) in enumerate(fixture["mixes"].items()):
        fields = [f'  "{key}": {json.dumps(value)}' for key, value in entry.items()]
        lines.append(f' "{mix}": {{\n' + ",\n".join(fields) + "\n }" + ("," if i + 1 < len(fixture["mixes"]) else ""))
    lines += [" }", "}"]
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")

main()
