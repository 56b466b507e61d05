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
        case .q5_1: 9
        case .q2_K: 10
        case .q3_K: 11   // the _S file type of each K-quant: what llama-quantize --pure Q3_K_S writes
        case .q4_K: 14
        case .q5_K: 16
        case .q6_K: 18
        case .iq4_nl: 25
        case .iq4_xs: 30
        case .bf16: 32
        default: 0
        }
    }
}
