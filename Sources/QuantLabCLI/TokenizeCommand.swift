import Foundation
import GGUF
import Tokenizer

/// `quantlab tokenize`: a model's token ids for a text, as llama.cpp's `llama-tokenize` gives them.
enum TokenizeCommand: Command {
    static let name = "tokenize"
    static let summary = "tokenize a text with a model's vocabulary"
    static let usage = """
        quantlab tokenize MODEL (--text T | --file F) [--json] [--bos] [--special]

        MODEL is a GGUF file with a GPT-2 byte-level BPE vocabulary (pre-tokenizer smollm, qwen2 or gpt-2).
        No BOS unless the model's metadata asks for one or --bos is given; special-token texts such as
        <|im_start|> are plain text unless --special is given (llama-tokenize --no-bos --no-parse-special).
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.positional("MODEL", "the GGUF file whose vocabulary to use, or builtin / builtin-qwen2")
        s.option("--text", value: "T", "the text to tokenize")
        s.option("--file", value: "F", "tokenize the contents of file F (read verbatim)")
        s.flag("--json", "print {\"ids\": [...]}")
        s.flag("--bos", "start with the BOS token")
        s.flag("--special", "match control-token texts (<|im_start|>) as their single ids")
        return s
    }

    struct Report: Encodable { let ids: [Int] }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let text = try input(arguments)
        let tokenizer = try openTokenizerModel(arguments.positional(0)!)
        let ids = tokenizer.encode(text, addBOS: arguments.has("--bos") ? true : nil, parseSpecial: arguments.has("--special"))
        if arguments.has("--json") { return try console.printJSON(Report(ids: ids)) }

        let width = max(2, ids.map { String($0).count }.max() ?? 0)
        console.print("\(String(repeating: " ", count: width - 2))id  piece")
        for id in ids {
            let number = String(id)
            console.print(String(repeating: " ", count: width - number.count) + number + "  " +
                          display(tokenizer.bytes(of: id, renderSpecial: true)))
        }
        console.print("\(ids.count) token\(ids.count == 1 ? "" : "s")")
    }

    /// Opens the tokenizer of the model named on the command line. One function, so that other ways of naming a
    /// model (a built-in name) can be added in one place.
    static func openTokenizerModel(_ path: String) throws -> Tokenizer {
        if ModelOptions.builtinNames.contains(path) { return try ModelOptions.tokenizer(ModelOptions.open(path)) }
        guard FileManager.default.fileExists(atPath: path) else { throw InputError("model file '\(path)' does not exist") }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    /// The text of `--text` or `--file` (exactly one).
    static func input(_ arguments: ParsedArguments) throws -> String {
        switch (arguments.value("--text"), arguments.value("--file")) {
        case (let text?, nil):
            return text
        case (nil, let file?):
            guard let data = FileManager.default.contents(atPath: file) else { throw InputError("cannot read file '\(file)'") }
            return String(decoding: data, as: UTF8.self)
        case (nil, nil):
            throw UsageError("give the text with --text T or --file F; see 'quantlab tokenize --help'")
        default:
            throw UsageError("give --text or --file, not both")
        }
    }

    /// A token's bytes as a quoted string with escapes for control characters; bytes of a character split across
    /// tokens (byte-level BPE splits emoji and CJK) are shown as `\xHH`.
    static func display(_ bytes: [UInt8]) -> String {
        var out = "'"
        var i = 0
        while i < bytes.count {
            let length = completeSequenceLength(bytes, at: i)
            guard length > 0 else {
                let hex = String(bytes[i], radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                i += 1
                continue
            }
            let s = String(decoding: bytes[i ..< i + length], as: UTF8.self)
            let v = s.unicodeScalars.first!.value
            switch s {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default: out += v < 0x20 || v == 0x7F ? "\\u{\(String(v, radix: 16))}" : s
            }
            i += length
        }
        return out + "'"
    }

    /// The length of the well-formed UTF-8 sequence starting at `i`, or 0 when it is cut off or malformed.
    static func completeSequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let length: Int
        switch bytes[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= bytes.count else { return 0 }
        for j in i + 1 ..< i + length where bytes[j] & 0xC0 != 0x80 { return 0 }
        // Decoding rejects overlong and surrogate forms; treat those as raw bytes too.
        let sequence = bytes[i ..< i + length]
        let scalars = String(decoding: sequence, as: UTF8.self).unicodeScalars
        let valid = scalars.count == 1 && (scalars.first != "\u{FFFD}" || sequence.elementsEqual([0xEF, 0xBF, 0xBD]))
        return valid ? length : 0
    }
}
