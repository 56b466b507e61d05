import QuantFormats

/// One tensor's description from a GGUF header.
public struct GGUFTensorInfo: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let type: GGMLType
    /// ggml's `ne`, ne0 first: `shape[0]` is the number of elements per row. 1 to 4 dimensions, as stored in the file.
    public let shape: [Int]
    /// Offset of the tensor's data from the start of the data section (`GGUFFile.dataOffset`).
    public let offset: Int
    /// Bytes of the tensor's data: `type.rowBytes(count: shape[0]) * rows`.
    public let byteCount: Int

    public init(name: String, type: GGMLType, shape: [Int], offset: Int, byteCount: Int) {
        self.name = name
        self.type = type
        self.shape = shape
        self.offset = offset
        self.byteCount = byteCount
    }

    /// Elements per row (ne0).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows: the product of ne1, ne2, ne3.
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
    /// Total number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    public var description: String {
        "\(name) \(type.name) \(shape) @\(offset) (\(byteCount) bytes)"
    }

    /// Checked shape arithmetic shared by the reader and the writer: element count and byte count, or the reason
    /// (`invalidShape` / `rowNotBlockMultiple`) they cannot be computed. Never traps.
    static func sizes(type: GGMLType, shape: [Int]) -> Result<(elements: Int, bytes: Int), GGUFError> {
        guard (1...GGUFConstants.maxDims).contains(shape.count) else {
            return .failure(GGUFError(.invalidShape,
                                      "has \(shape.count) dimensions; must be 1 to \(GGUFConstants.maxDims) (GGML_MAX_DIMS)"))
        }
        for (i, ne) in shape.enumerated() where ne < 0 {
            return .failure(GGUFError(.invalidShape, "dimension \(i) is negative (\(ne)) in shape \(shape)"))
        }
        guard shape[0] % type.blockSize == 0 else {
            return .failure(GGUFError(.rowNotBlockMultiple,
                                      "type \(type.name) has \(shape[0]) elements per row, not a multiple of its block size \(type.blockSize)"))
        }
        // Like ggml_nbytes: a tensor with a zero dimension holds nothing, whatever the other dimensions are.
        if shape.contains(0) { return .success((0, 0)) }
        guard let rowBytes = type.rowBytes(count: shape[0]) else {
            return .failure(GGUFError(.invalidShape, "byte count of shape \(shape) (\(type.name)) overflows a 64-bit integer"))
        }
        var elements = 1
        for ne in shape {
            let (p, o) = elements.multipliedReportingOverflow(by: ne)
            guard !o else {
                return .failure(GGUFError(.invalidShape, "element count of shape \(shape) overflows a 64-bit integer"))
            }
            elements = p
        }
        var bytes = rowBytes
        for ne in shape.dropFirst() {
            let (p, o) = bytes.multipliedReportingOverflow(by: ne)
            guard !o else {
                return .failure(GGUFError(.invalidShape, "byte count of shape \(shape) (\(type.name)) overflows a 64-bit integer"))
            }
            bytes = p
        }
        return .success((elements, bytes))
    }
}
