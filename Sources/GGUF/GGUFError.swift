/// Every failure of the GGUF reader and writer.
///
/// `description` names what was wrong, the key or tensor concerned and the byte offset where the problem was found,
/// e.g. `GGUF: tensor 'blk.0.attn_q.weight' at byte 1234: data [x, y) runs past the end of the file (size z)`.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for tests and callers that branch on it; the message carries the details.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// open/stat/mmap/write/rename failed.
        case io
        /// A read ran past the end of the file.
        case truncated
        /// The first four bytes are not `GGUF`.
        case badMagic
        /// Version 0, 1 or newer than 3.
        case unsupportedVersion
        /// The version field is byte-swapped: a big-endian file.
        case bigEndian
        /// A count or length is negative, beyond llama.cpp's limits, or larger than the bytes left could hold.
        case countTooLarge
        /// An empty key, or a key or tensor name with a NUL byte.
        case invalidName
        case duplicateKey
        /// A value type id outside the 13 GGUF types.
        case unknownValueType
        /// An array whose element type is array.
        case nestedArray
        /// A bool that is neither 0 nor 1, or a string that is not UTF-8.
        case invalidValue
        /// `general.alignment` of a type other than uint32, zero, or not a power of two.
        case invalidAlignment
        case duplicateTensor
        /// A tensor name of 64 bytes or more (ggml's `GGML_MAX_NAME`).
        case tensorNameTooLong
        /// n_dims outside 1...4, a negative dimension, an element or byte count that overflows, or shape vs bytes mismatch.
        case invalidShape
        /// A tensor type id that is not a ggml type.
        case unknownTensorType
        /// The row length (ne0) is not a multiple of the type's block size.
        case rowNotBlockMultiple
        /// A tensor offset that is not a multiple of the alignment.
        case misalignedOffset
        /// A tensor that starts before the end of the previous one.
        case overlappingTensors
        /// A tensor that starts after where llama.cpp expects it (tensors must be packed in order).
        case unexpectedOffset
        /// Tensor data, or the data section, beyond the end of the file.
        case outOfBounds
        /// A metadata key looked up by an accessor is absent.
        case missingKey
        /// A metadata value has a type other than the accessor's, or does not fit.
        case typeMismatch
        /// A tensor looked up by name is absent.
        case missingTensor
    }

    public let kind: Kind
    /// What was wrong, without the `GGUF:` prefix, key/tensor and offset.
    public let message: String
    /// The metadata key concerned, if any.
    public let key: String?
    /// The tensor concerned, if any.
    public let tensor: String?
    /// Byte offset in the file where the problem was found, if it comes from the file's bytes.
    public let offset: Int?
    /// File path, when reading or writing a file.
    public let path: String?

    public init(_ kind: Kind, _ message: String, key: String? = nil, tensor: String? = nil, offset: Int? = nil,
                path: String? = nil) {
        self.kind = kind
        self.message = message
        self.key = key
        self.tensor = tensor
        self.offset = offset
        self.path = path
    }

    public var description: String {
        var parts: [String] = []
        if let path { parts.append("file '\(path)'") }
        if let key { parts.append("key '\(key)'") }
        if let tensor { parts.append("tensor '\(tensor)'") }
        var subject = parts.joined(separator: ", ")
        if let offset { subject += subject.isEmpty ? "at byte \(offset)" : " at byte \(offset)" }
        return subject.isEmpty ? "GGUF: \(message)" : "GGUF: \(subject): \(message)"
    }

    /// The same error, with the file path attached.
    func with(path: String) -> GGUFError {
        GGUFError(kind, message, key: key, tensor: tensor, offset: offset, path: path)
    }
}
