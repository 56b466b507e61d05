/// Format constants, as in ggml's `gguf.h` / `gguf.cpp` / `ggml.h`.
public enum GGUFConstants {
    /// `GGUF` read as a little-endian u32 (the bytes 'G' 'G' 'U' 'F').
    public static let magic: [UInt8] = Array("GGUF".utf8)
    /// The version this package writes (`GGUF_VERSION`).
    public static let writeVersion: UInt32 = 3
    /// Versions the reader accepts: v2 and v3 share one layout (v1's 32-bit counts are refused, as llama.cpp does).
    public static let readableVersions: ClosedRange<UInt32> = 2...3
    /// `GGUF_DEFAULT_ALIGNMENT`.
    public static let defaultAlignment = 32
    /// `GGUF_KEY_GENERAL_ALIGNMENT`.
    public static let alignmentKey = "general.alignment"
    /// `GGML_MAX_DIMS`.
    public static let maxDims = 4
    /// `GGML_MAX_NAME`: tensor names must be shorter than this many bytes (the C struct keeps a terminating NUL).
    public static let maxTensorNameBytes = 64
    /// `GGUF_MAX_STRING_LENGTH` in gguf.cpp: longer strings are refused.
    public static let maxStringLength = 1 << 30
    /// `GGUF_MAX_ARRAY_ELEMENTS` in gguf.cpp: longer arrays are refused.
    public static let maxArrayElements = 1 << 30

    /// Smallest encoding of one metadata entry: key length (8) + a 1-byte key (empty keys are invalid) + type (4) +
    /// the smallest value (1). Used to bound the kv count by the bytes left before trusting it.
    static let minKVBytes = 8 + 1 + 4 + 1
    /// Smallest encoding of one tensor info: name length (8) + n_dims (4) + one dimension (8) + type (4) + offset (8).
    static let minTensorInfoBytes = 8 + 4 + 8 + 4 + 8
}
