extension GGMLType {
    /// llama.cpp's `llama_ftype` (`general.file_type`) for a file whose weight matrices are all this type, as
    /// `llama-quantize --pure` writes it; 0 (all f32) for types without one.
    public var pureFileType: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .q5_0: 8
        case .q4_K: 14   // LLAMA_FTYPE_MOSTLY_Q4_K_S, what llama-quantize --pure Q4_K_S writes
        case .q6_K: 18
        case .bf16: 32
        default: 0
        }
    }
}
