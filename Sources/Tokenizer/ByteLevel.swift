/// GPT-2's byte-to-unicode table: byte-level BPE vocabularies spell every byte as one printable Unicode scalar, so
/// that token texts never contain spaces, control characters or partial UTF-8.
///
/// Bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves; the other 68 bytes (controls, space, DEL, NBSP,
/// soft hyphen, ...) map in increasing order to U+0100, U+0101, ... This is why a space is written `Ġ` (U+0120)
/// and a newline `Ċ` (U+010A) in the vocabulary.
enum ByteLevel {
    /// The scalar that spells each byte.
    static let scalarOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0 ..< 256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte each scalar of the table spells, indexed by scalar value (the table's scalars are all below
    /// U+0144); -1 for scalars outside the table.
    static let byteOfScalar: [Int16] = {
        var map = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in scalarOfByte.enumerated() { map[Int(scalar.value)] = Int16(byte) }
        return map
    }()

    /// Appends the raw bytes a byte-level token text stands for. A scalar outside the table (which a well-formed
    /// vocabulary never holds) is kept as its own UTF-8 bytes rather than dropped.
    static func decode(_ text: String, into out: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            let v = Int(scalar.value)
            if v < byteOfScalar.count, byteOfScalar[v] >= 0 {
                out.append(UInt8(byteOfScalar[v]))
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
    }
}
