/// An owned, 64-byte aligned, zero-initialised byte buffer: storage for quantized matrices and repacked layouts.
/// Cache-line alignment keeps SIMD loads from splitting lines.
public final class AlignedBuffer: @unchecked Sendable {
    public static let alignment = 64
    public let count: Int
    public let base: UnsafeMutableRawPointer

    public init(count: Int) {
        precondition(count >= 0, "buffer size must be non-negative")
        self.count = count
        base = .allocate(byteCount: max(count, 1), alignment: Self.alignment)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count)
        if let source = bytes.baseAddress { base.copyMemory(from: source, byteCount: bytes.count) }
    }

    deinit { base.deallocate() }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    public var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: count) }
}
