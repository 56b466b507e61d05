import QuantFormats

/// A weight matrix W (rows x columns) stored row by row in a GGML format, as in a GGUF tensor: each row is
/// `columns / blockSize` blocks. The bytes are borrowed from `owner` (a mapped file, an `AlignedBuffer`).
public struct QuantizedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let rowBytes: Int
    public let bytes: UnsafeRawBufferPointer
    let owner: AnyObject

    /// Wraps existing bytes; throws when the shape does not fit the format or the byte count.
    public init(type: GGMLType, rows: Int, columns: Int, bytes: UnsafeRawBufferPointer, owner: AnyObject) throws {
        guard rows > 0, columns > 0 else { throw KernelError("matrix shape \(rows) x \(columns) must be positive") }
        guard let rowBytes = type.rowBytes(count: columns) else {
            throw KernelError("\(type.name) rows are whole blocks of \(type.blockSize); \(columns) columns is not")
        }
        let (total, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, total == bytes.count else {
            throw KernelError("\(type.name) \(rows) x \(columns) needs \(overflow ? "more than Int.max" : String(total)) bytes, got \(bytes.count)")
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.rowBytes = rowBytes
        self.bytes = bytes
        self.owner = owner
    }

    /// Quantizes row-major f32 values with the format's reference quantizer.
    public static func quantizing(_ values: [Float], rows: Int, columns: Int, as type: GGMLType) throws -> QuantizedMatrix {
        guard let traits = FormatTraits.of(type) else { throw KernelError("format \(type.name) is not implemented") }
        guard values.count == rows * columns else {
            throw KernelError("\(values.count) values do not make a \(rows) x \(columns) matrix")
        }
        guard let rowBytes = type.rowBytes(count: columns), rows > 0, columns > 0 else {
            throw KernelError("\(type.name) rows are whole blocks of \(type.blockSize); \(columns) columns is not")
        }
        let storage = AlignedBuffer(count: rowBytes * rows)
        values.withUnsafeBufferPointer { source in
            for r in 0..<rows {
                traits.quantize(source.baseAddress! + r * columns, storage.base + r * rowBytes, columns)
            }
        }
        return try QuantizedMatrix(type: type, rows: rows, columns: columns, bytes: storage.bytes, owner: storage)
    }

    public func row(_ index: Int) -> UnsafeRawPointer {
        precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
        return bytes.baseAddress! + index * rowBytes
    }

    /// Row `index` expanded to floats.
    public func dequantizedRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        FormatTraits.of(type)!.dequantize(row(index), destination, columns)
    }

    /// The whole matrix expanded to row-major floats.
    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<rows { dequantizedRow(r, into: buffer.baseAddress! + r * columns) }
        }
        return out
    }
}
