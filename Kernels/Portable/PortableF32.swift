import QuantFormats

/// f32 x f32 with Swift SIMD types: weights read as they are stored (little-endian IEEE floats, any alignment), the
/// activations copied unchanged (ggml's f32 `from_float` is a copy).
enum PortableF32: PortableFloatFormat {
    static let weightType = GGMLType.f32
    static let quantizeColumn = FormatTraits.f32.quantizeActivations

    @inline(__always)
    static func load4(_ row: UnsafeRawPointer, _ index: Int) -> SIMD4<Float> {
        row.loadUnaligned(fromByteOffset: 4 &* index, as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func load1(_ row: UnsafeRawPointer, _ index: Int) -> Float {
        row.loadUnaligned(fromByteOffset: 4 &* index, as: Float.self)
    }

    static let storesFloats = true

    static func widen(_ values: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int) {
        UnsafeMutableRawPointer(destination).copyMemory(from: values, byteCount: 4 * count)
    }
}
