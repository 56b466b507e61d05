extension Tokenizer {
    /// The text of `ids`: each token's bytes joined, invalid UTF-8 replaced by U+FFFD.
    ///
    /// - Parameter renderSpecial: include the text of control and unknown tokens (`<|im_end|>`); by default they
    ///   decode to nothing, as in llama.cpp's detokenizer. Ids outside the vocabulary decode to nothing.
    public func decode(_ ids: [Int], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { appendBytes(of: id, renderSpecial: renderSpecial, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes token `id` decodes to (possibly part of a UTF-8 sequence); empty for ids outside the vocabulary
    /// and, unless `renderSpecial`, for control and unknown tokens.
    public func bytes(of id: Int, renderSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        appendBytes(of: id, renderSpecial: renderSpecial, to: &bytes)
        return bytes
    }

    func appendBytes(of id: Int, renderSpecial: Bool, to bytes: inout [UInt8]) {
        guard tokens.indices.contains(id) else { return }
        if !renderSpecial && (types[id] == .control || types[id] == .unknown) { return }
        bytes.append(contentsOf: pieceBytes[pieceStarts[id] ..< pieceStarts[id + 1]])
    }
}
