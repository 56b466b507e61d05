import QuantFormats

/// Parses and validates a GGUF v2/v3 header against the bytes of the whole file.
///
/// The rules follow llama.cpp's `gguf_init_from_file_impl` (ggml/src/gguf.cpp) and the loader's extent check
/// (`llama_model_loader`: tensor data must lie inside the file), with a few stricter choices noted inline.
///
/// Memory: no container is sized from a count read from the file until that count has been checked against the
/// bytes that remain (count × smallest encoding of one element ≤ bytes left), so each container holds at most
/// (file size / smallest element encoding) elements. Numeric arrays and bools take no more memory than their encoding;
/// a `String` element takes 16 bytes for ≥ 8 encoded bytes (plus its text, which is in the file), so the parse uses
/// memory linear in the file size with a small constant, and never one allocation sized by an unchecked count.
struct GGUFParser {
    struct Parsed {
        var version: UInt32
        var metadata: [(key: String, value: GGUFValue)]
        var metadataOffsets: [Int]
        var keyIndex: [String: Int]
        var alignment: Int
        var dataOffset: Int
        var tensors: [GGUFTensorInfo]
        var tensorIndex: [String: Int]
    }

    private var r: ByteReader

    private init(_ bytes: UnsafeRawBufferPointer) { r = ByteReader(bytes) }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Parsed {
        var p = GGUFParser(bytes)
        return try p.run()
    }

    private var fileSize: Int { r.bytes.count }

    private mutating func run() throws -> Parsed {
        // Magic.
        let magic = try r.take(4, "the magic 'GGUF'")
        guard magic.elementsEqual(GGUFConstants.magic) else {
            let shown = String(magic.map { (0x20..<0x7f).contains($0) ? Character(UnicodeScalar($0)) : "?" })
            let hex = magic.map { String($0, radix: 16, uppercase: false) }.joined(separator: " ")
            throw GGUFError(.badMagic, "bad magic '\(shown)' (\(hex)), expected 'GGUF': not a GGUF file", offset: 0)
        }

        // Version (gguf.cpp: 0 is invalid, a zero low half means the other endianness, 1 is no longer supported,
        // above GGUF_VERSION is unknown).
        let version = try r.u32("the version")
        if version == 0 {
            throw GGUFError(.unsupportedVersion, "GGUF version 0 is invalid", offset: 4)
        }
        if version & 0xFFFF == 0 {
            throw GGUFError(.bigEndian,
                            "version field reads \(version) (0x\(String(version, radix: 16))), which is version \(version.byteSwapped) byte-swapped: this is a big-endian GGUF file; only little-endian files are supported",
                            offset: 4)
        }
        if version == 1 {
            throw GGUFError(.unsupportedVersion,
                            "GGUF version 1 is no longer supported (llama.cpp refuses it too); convert the model again to get a v3 file",
                            offset: 4)
        }
        guard GGUFConstants.readableVersions.contains(version) else {
            throw GGUFError(.unsupportedVersion,
                            "GGUF version \(version) is newer than this reader supports (2 and 3)", offset: 4)
        }

        // Counts: int64 in gguf.cpp, negative refused; bounded here by the bytes left before anything is allocated.
        let tensorCountAt = r.position
        let rawTensorCount = try r.u64("the tensor count")
        let kvCountAt = r.position
        let rawKVCount = try r.u64("the metadata key-value count")
        let tensorCount = try checkedCount(rawTensorCount, what: "tensor count", minBytes: GGUFConstants.minTensorInfoBytes,
                                           at: tensorCountAt)
        let kvCount = try checkedCount(rawKVCount, what: "metadata key-value count", minBytes: GGUFConstants.minKVBytes,
                                       at: kvCountAt)
        let (kvMin, _) = kvCount.multipliedReportingOverflow(by: GGUFConstants.minKVBytes)
        let (tiMin, _) = tensorCount.multipliedReportingOverflow(by: GGUFConstants.minTensorInfoBytes)
        let (both, overflow) = kvMin.addingReportingOverflow(tiMin)
        guard !overflow, both <= r.remaining else {
            throw GGUFError(.countTooLarge,
                            "\(kvCount) key-value pairs and \(tensorCount) tensors need at least \(kvMin) + \(tiMin) bytes but only \(r.remaining) remain (file size \(fileSize))",
                            offset: tensorCountAt)
        }

        // Key-value pairs.
        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataOffsets: [Int] = []
        var keyIndex: [String: Int] = [:]
        // Capacity from a count in the file is capped: a hostile count must not size an allocation, and each entry
        // actually parsed consumes bytes of the file.
        metadata.reserveCapacity(min(kvCount, 4096))
        metadataOffsets.reserveCapacity(min(kvCount, 4096))
        keyIndex.reserveCapacity(min(kvCount, 4096))
        for i in 0..<kvCount {
            let at = r.position
            let key = try r.string("key #\(i)")
            guard !key.isEmpty else { throw GGUFError(.invalidName, "key #\(i) is empty", offset: at) }
            guard !key.utf8.contains(0) else {
                throw GGUFError(.invalidName, "key #\(i) contains a NUL byte", key: key, offset: at)
            }
            if let first = keyIndex[key] {
                throw GGUFError(.duplicateKey, "duplicate key: entries #\(first) (at byte \(metadataOffsets[first])) and #\(i)",
                                key: key, offset: at)
            }
            let value = try readValue(key: key)
            keyIndex[key] = metadata.count
            metadata.append((key, value))
            metadataOffsets.append(at)
        }

        // Alignment (gguf.cpp: general.alignment must be u32, non-zero, a power of two).
        var alignment = GGUFConstants.defaultAlignment
        if let i = keyIndex[GGUFConstants.alignmentKey] {
            guard case .uint32(let a) = metadata[i].value else {
                throw GGUFError(.invalidAlignment, "must be of type u32 but is \(metadata[i].value.typeDescription)",
                                key: GGUFConstants.alignmentKey, offset: metadataOffsets[i])
            }
            guard a != 0, a & (a - 1) == 0 else {
                throw GGUFError(.invalidAlignment, "alignment \(a) is not a non-zero power of two",
                                key: GGUFConstants.alignmentKey, offset: metadataOffsets[i])
            }
            alignment = Int(a)
        }

        // Tensor infos.
        let (tiNeed, tiOverflow) = tensorCount.multipliedReportingOverflow(by: GGUFConstants.minTensorInfoBytes)
        guard !tiOverflow, tiNeed <= r.remaining else {
            throw GGUFError(.countTooLarge,
                            "tensor count \(tensorCount) needs at least \(tiNeed) bytes of tensor infos but only \(r.remaining) remain (file size \(fileSize))",
                            offset: tensorCountAt)
        }
        var tensors: [GGUFTensorInfo] = []
        var offsetFieldAt: [Int] = []
        var tensorIndex: [String: Int] = [:]
        tensors.reserveCapacity(min(tensorCount, 4096))
        offsetFieldAt.reserveCapacity(min(tensorCount, 4096))
        tensorIndex.reserveCapacity(min(tensorCount, 4096))
        for i in 0..<tensorCount {
            let (info, at) = try readTensorInfo(index: i, seen: tensorIndex)
            tensorIndex[info.name] = tensors.count
            tensors.append(info)
            offsetFieldAt.append(at)
        }

        // Data section: gguf.cpp pads the end of the header to the alignment when there are tensors (and must be
        // able to seek there), and takes the unpadded position when there are none.
        var dataOffset = r.position
        if !tensors.isEmpty {
            guard let padded = alignUp(r.position, alignment), padded <= fileSize else {
                throw GGUFError(.outOfBounds,
                                "the data section would start at byte \(r.position) rounded up to the alignment \(alignment), past the end of the file (size \(fileSize))",
                                offset: r.position)
            }
            dataOffset = padded
        }

        // Tensor offsets: gguf.cpp requires each tensor at exactly the previous tensor's offset plus its size rounded up
        // to the alignment (the first at 0), so tensors are in order, aligned, without gaps or overlap; the model loader
        // requires the data inside the file.
        var expected = 0
        for (i, t) in tensors.enumerated() {
            let at = offsetFieldAt[i]
            guard t.offset % alignment == 0 else {
                throw GGUFError(.misalignedOffset, "offset \(t.offset) is not a multiple of the alignment \(alignment)",
                                tensor: t.name, offset: at)
            }
            let (start, o1) = dataOffset.addingReportingOverflow(t.offset)
            let (end, o2) = start.addingReportingOverflow(t.byteCount)
            guard !o1, !o2, end <= fileSize else {
                let s = o1 ? "\(dataOffset) + \(t.offset)" : "\(start)"
                let e = (o1 || o2) ? "\(s) + \(t.byteCount)" : "\(end)"
                throw GGUFError(.outOfBounds, "data [\(s), \(e)) runs past the end of the file (size \(fileSize))",
                                tensor: t.name, offset: at)
            }
            if t.offset < expected {
                let prev = tensors[i - 1]
                throw GGUFError(.overlappingTensors,
                                "data at offset \(t.offset) overlaps tensor '\(prev.name)' at [\(prev.offset), \(prev.offset + prev.byteCount)) of the data section; llama.cpp expects offset \(expected) (tensors in order, each padded to \(alignment) bytes)",
                                tensor: t.name, offset: at)
            }
            if t.offset > expected {
                let after = i == 0 ? "the start of the data section" : "tensor '\(tensors[i - 1].name)'"
                throw GGUFError(.unexpectedOffset,
                                "offset \(t.offset) leaves a gap after \(after); llama.cpp expects offset \(expected) (tensors packed in order, each padded to \(alignment) bytes)",
                                tensor: t.name, offset: at)
            }
            // end <= fileSize, so this cannot overflow.
            expected = t.offset + (alignUp(t.byteCount, alignment) ?? t.byteCount)
        }

        return Parsed(version: version, metadata: metadata, metadataOffsets: metadataOffsets, keyIndex: keyIndex,
                      alignment: alignment, dataOffset: dataOffset, tensors: tensors, tensorIndex: tensorIndex)
    }

    /// A count stored as u64 (int64 in gguf.cpp): refused when negative as int64 or when `count × minBytes` cannot fit
    /// in the bytes left.
    private func checkedCount(_ raw: UInt64, what: String, minBytes: Int, at: Int) throws -> Int {
        guard raw <= UInt64(Int64.max) else {
            throw GGUFError(.countTooLarge, "\(what) \(Int64(bitPattern: raw)) is negative", offset: at)
        }
        let n = Int(raw)
        let (need, overflow) = n.multipliedReportingOverflow(by: minBytes)
        guard !overflow, need <= r.remaining else {
            throw GGUFError(.countTooLarge,
                            "\(what) \(n) needs at least \(overflow ? "\(n) × \(minBytes)" : "\(need)") bytes but only \(r.remaining) remain (file size \(fileSize))",
                            offset: at)
        }
        return n
    }

    private mutating func readType(key: String, what: String) throws -> GGUFValueType {
        let at = r.position
        let id = try r.u32(what, key: key)
        guard let t = GGUFValueType(rawValue: id) else {
            throw GGUFError(.unknownValueType, "unknown \(what) id \(id) (GGUF defines 0 to 12)", key: key, offset: at)
        }
        return t
    }

    private mutating func readValue(key: String) throws -> GGUFValue {
        let type = try readType(key: key, what: "value type")
        switch type {
        case .uint8: return .uint8(try r.u8("its u8 value", key: key))
        case .int8: return .int8(Int8(bitPattern: try r.u8("its i8 value", key: key)))
        case .uint16: return .uint16(try r.u16("its u16 value", key: key))
        case .int16: return .int16(Int16(bitPattern: try r.u16("its i16 value", key: key)))
        case .uint32: return .uint32(try r.u32("its u32 value", key: key))
        case .int32: return .int32(Int32(bitPattern: try r.u32("its i32 value", key: key)))
        case .float32: return .float32(Float(bitPattern: try r.u32("its f32 value", key: key)))
        case .uint64: return .uint64(try r.u64("its u64 value", key: key))
        case .int64: return .int64(Int64(bitPattern: try r.u64("its i64 value", key: key)))
        case .float64: return .float64(Double(bitPattern: try r.u64("its f64 value", key: key)))
        case .bool: return .bool(try readBool(key: key, what: "its bool value"))
        case .string: return .string(try r.string("its string value", key: key))
        case .array: return .array(try readArray(key: key))
        }
    }

    /// The spec: 0 is false, 1 is true, anything else is invalid. (gguf.cpp reads any non-zero byte as true; refusing
    /// other values keeps a round trip byte-exact.)
    private mutating func readBool(key: String, what: String) throws -> Bool {
        let at = r.position
        let b = try r.u8(what, key: key)
        guard b <= 1 else {
            throw GGUFError(.invalidValue, "\(what) is \(b); a GGUF bool must be 0 or 1", key: key, offset: at)
        }
        return b == 1
    }

    private mutating func readArray(key: String) throws -> GGUFArray {
        let typeAt = r.position
        let elementType = try readType(key: key, what: "array element type")
        if elementType == .array {
            throw GGUFError(.nestedArray, "is an array of arrays; nested arrays are not supported (llama.cpp refuses them)",
                            key: key, offset: typeAt)
        }
        let countAt = r.position
        let rawCount = try r.u64("the array length", key: key)
        guard rawCount <= UInt64(GGUFConstants.maxArrayElements) else {
            throw GGUFError(.countTooLarge,
                            "array length \(rawCount) is beyond llama.cpp's limit of \(GGUFConstants.maxArrayElements) elements",
                            key: key, offset: countAt)
        }
        let n = Int(rawCount)
        let need = n * elementType.minEncodedSize  // n ≤ 2^30, size ≤ 8: no overflow
        guard need <= r.remaining else {
            throw GGUFError(.countTooLarge,
                            "array of \(n) \(elementType) needs at least \(need) bytes but only \(r.remaining) remain (file size \(fileSize))",
                            key: key, offset: countAt)
        }
        switch elementType {
        case .uint8: return .uint8(try numbers(n, UInt8.self, key: key) { $0 })
        case .int8: return .int8(try numbers(n, UInt8.self, key: key) { Int8(bitPattern: $0) })
        case .uint16: return .uint16(try numbers(n, UInt16.self, key: key) { $0 })
        case .int16: return .int16(try numbers(n, UInt16.self, key: key) { Int16(bitPattern: $0) })
        case .uint32: return .uint32(try numbers(n, UInt32.self, key: key) { $0 })
        case .int32: return .int32(try numbers(n, UInt32.self, key: key) { Int32(bitPattern: $0) })
        case .float32: return .float32(try numbers(n, UInt32.self, key: key) { Float(bitPattern: $0) })
        case .uint64: return .uint64(try numbers(n, UInt64.self, key: key) { $0 })
        case .int64: return .int64(try numbers(n, UInt64.self, key: key) { Int64(bitPattern: $0) })
        case .float64: return .float64(try numbers(n, UInt64.self, key: key) { Double(bitPattern: $0) })
        case .bool:
            var out = [Bool](); out.reserveCapacity(n)
            for j in 0..<n { out.append(try readBool(key: key, what: "array element \(j)")) }
            return .bool(out)
        case .string:
            // A String takes 16 bytes in memory but may encode in 8 (an empty string): bound the array's buffer by
            // the file size too, so no single allocation exceeds the file.
            guard n * MemoryLayout<String>.stride <= fileSize else {
                throw GGUFError(.countTooLarge,
                                "array of \(n) strings would need \(n * MemoryLayout<String>.stride) bytes in memory, more than the file's \(fileSize)",
                                key: key, offset: countAt)
            }
            var out = [String](); out.reserveCapacity(n)
            for j in 0..<n { out.append(try r.string("array element \(j)", key: key)) }
            return .string(out)
        case .array:
            preconditionFailure("unreachable: nested arrays were refused above")
        }
    }

    /// `n` little-endian fixed-width values (already checked to fit in the bytes left).
    private mutating func numbers<Raw: FixedWidthInteger, T>(_ n: Int, _: Raw.Type, key: String,
                                                            _ convert: (Raw) -> T) throws -> [T] {
        let size = MemoryLayout<Raw>.size
        let raw = try r.take(n * size, "\(n) array elements", key: key)
        var out = [T](); out.reserveCapacity(n)
        for j in 0..<n {
            out.append(convert(Raw(littleEndian: raw.loadUnaligned(fromByteOffset: j * size, as: Raw.self))))
        }
        return out
    }

    /// One tensor info; returns it with the byte position of its offset field.
    private mutating func readTensorInfo(index i: Int, seen: [String: Int]) throws -> (GGUFTensorInfo, Int) {
        let at = r.position
        let name = try r.string("the name of tensor #\(i)")
        // gguf.cpp copies names into ggml's char[GGML_MAX_NAME] and refuses those that do not fit with their NUL.
        guard name.utf8.count < GGUFConstants.maxTensorNameBytes else {
            throw GGUFError(.tensorNameTooLong,
                            "name is \(name.utf8.count) bytes; ggml allows at most \(GGUFConstants.maxTensorNameBytes - 1) (GGML_MAX_NAME)",
                            tensor: name, offset: at)
        }
        // Stricter than gguf.cpp, which would silently cut the name at the NUL.
        guard !name.utf8.contains(0) else {
            throw GGUFError(.invalidName, "tensor #\(i)'s name contains a NUL byte", tensor: name, offset: at)
        }
        if let first = seen[name] {
            throw GGUFError(.duplicateTensor, "duplicate tensor name: tensors #\(first) and #\(i)", tensor: name, offset: at)
        }

        let dimsAt = r.position
        let nDims = try r.u32("the number of dimensions", tensor: name)
        // gguf.cpp refuses n_dims > GGML_MAX_DIMS; ggml's writer never writes 0 (ggml_n_dims ≥ 1), and a shape
        // without ne0 has no rows, so 0 is refused here too.
        guard (1...UInt32(GGUFConstants.maxDims)).contains(nDims) else {
            throw GGUFError(.invalidShape,
                            "has \(nDims) dimensions; must be 1 to \(GGUFConstants.maxDims) (GGML_MAX_DIMS)",
                            tensor: name, offset: dimsAt)
        }
        var shape: [Int] = []
        shape.reserveCapacity(Int(nDims))
        for j in 0..<Int(nDims) {
            let neAt = r.position
            let ne = Int64(bitPattern: try r.u64("dimension \(j)", tensor: name))
            guard ne >= 0 else {
                throw GGUFError(.invalidShape, "dimension \(j) is negative (\(ne))", tensor: name, offset: neAt)
            }
            shape.append(Int(ne))
        }

        let typeAt = r.position
        let typeID = try r.u32("the tensor type", tensor: name)
        guard let type = GGMLType(rawValue: typeID) else {
            throw GGUFError(.unknownTensorType, "unknown ggml tensor type id \(typeID)", tensor: name, offset: typeAt)
        }
        let sizes: (elements: Int, bytes: Int)
        switch GGUFTensorInfo.sizes(type: type, shape: shape) {
        case .success(let s): sizes = s
        case .failure(let e):
            throw GGUFError(e.kind, e.message, tensor: name, offset: e.kind == .rowNotBlockMultiple ? typeAt : dimsAt)
        }

        let offsetAt = r.position
        let rawOffset = try r.u64("the data offset", tensor: name)
        guard rawOffset <= UInt64(Int64.max) else {
            throw GGUFError(.outOfBounds, "data offset \(rawOffset) runs past the end of the file (size \(fileSize))",
                            tensor: name, offset: offsetAt)
        }
        return (GGUFTensorInfo(name: name, type: type, shape: shape, offset: Int(rawOffset), byteCount: sizes.bytes),
                offsetAt)
    }
}

/// `x` rounded up to a multiple of `alignment` (a power of two), or nil on overflow.
func alignUp(_ x: Int, _ alignment: Int) -> Int? {
    let (s, o) = x.addingReportingOverflow(alignment - 1)
    return o ? nil : s & ~(alignment - 1)
}
