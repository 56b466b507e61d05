/// The paper's setting, for contrast with GGML's block formats: symmetric int8 with one scale for the whole tensor,
/// q = round(x / s) with s = max|x| / 127. One outlier sets the step for every weight, so most codes crowd near 0
/// and carry fewer than 8 bits of information: what makes such tensors compressible.
enum Int8PerTensor {
    /// The codes (as their two's-complement bytes) and the scale. `tensorAbsMax` is the tensor's max|x| when `x`
    /// is only a sample of it (the scale is the whole tensor's); by default the max over `x`.
    static func quantize(_ x: [Float], tensorAbsMax: Float? = nil) -> (codes: [UInt8], scale: Float) {
        let amax = tensorAbsMax ?? x.reduce(Float(0)) { max($0, abs($1)) }
        let scale = amax / 127
        let inverse: Float = scale > 0 ? 1 / scale : 0
        let codes = x.map { UInt8(bitPattern: Int8(max(-127, min(127, ($0 * inverse).rounded())))) }
        return (codes, scale)
    }

    static func dequantize(_ codes: [UInt8], scale: Float) -> [Float] {
        codes.map { Float(Int8(bitPattern: $0)) * scale }
    }
}
