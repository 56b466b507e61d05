import QuantFormats

/// f16 x f16 with Swift SIMD types. Activations are rounded to f16 (round to nearest even) exactly as the scalar
/// reference does, then widened back to floats once per call; weights are widened four at a time with
/// `PortableHalf.floats` (integer and float operations only: baseline x86-64 has no F16C, and `Float(Float16)` there
/// is a library call per value). Both conversions are exact, so every product is that of ggml's `vec_dot_f16`, which
/// also widens both operands to f32.
enum PortableF16: PortableFloatFormat {
    static let weightType = GGMLType.f16
    static let quantizeColumn = FormatTraits.f16.quantizeActivations

    /// The halves at `index ..< index + 4`, converted (GGUF is little-endian, as every platform Swift runs on).
    @inline(__always)
    static func load4(_ row: UnsafeRawPointer, _ index: Int) -> SIMD4<Float> {
        PortableHalf.floats(SIMD4<UInt32>(truncatingIfNeeded: row.loadUnaligned(fromByteOffset: 2 &* index, as: SIMD4<UInt16>.self)))
    }

    @inline(__always)
    static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        PortableHalf.float(row, at: 2 &* index)
    }

    static let storesFloats = false

    static func widen(_ values: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 4 <= count {
            UnsafeMutableRawPointer(destination + i).storeBytes(of: load4(values, i), as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            destination[i] = load1(values, i)
            i += 1
        }
    }
}
