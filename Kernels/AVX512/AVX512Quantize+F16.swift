#if arch(x86_64)
import QuantFormats

extension AVX512Quantize {
    /// ggml's CPU f16 `from_float`: each float rounded to the nearest half, ties to even; 16 at a time with one
    /// `vcvtps2ph` (Swift's vector conversion, which this target's F16C/AVX-512 flags lower to it; the intrinsic
    /// takes an immediate rounding operand, which Swift cannot import), the last count % 16 one by one with the
    /// scalar form of the same instruction. The same bytes as `FormatTraits.f16.quantizeActivations`
    /// (`AVX512QuantizeTests`).
    public static let f16: QuantizeRow = { x, y, count in
        var i = 0
        while i + 16 <= count {
            let values = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            y.storeBytes(of: SIMD16<Float16>(values), toByteOffset: 2 * i, as: SIMD16<Float16>.self)
            i += 16
        }
        while i < count {
            y.storeBytes(of: Float16(x[i]).bitPattern, toByteOffset: 2 * i, as: UInt16.self)
            i += 1
        }
    }
}
#endif
