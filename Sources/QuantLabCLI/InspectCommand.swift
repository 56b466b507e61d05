import GGUF

/// `quantlab inspect`: a GGUF file's header, metadata and tensor table.
enum InspectCommand: Command {
    static let name = "inspect"
    static let summary = "show a GGUF file's metadata and tensors"
    static let usage = """
        quantlab inspect FILE.gguf [--json] [--array-limit N]

        Arrays longer than the limit (vocabularies, merges) are summarised by type, count and first elements.
        Tensor offsets are relative to the data section, as stored in GGUF; file_offset is absolute.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        s.positional("FILE.gguf", "the file to read")
        s.flag("--json", "print {\"metadata\": {...}, \"tensors\": [...]}")
        s.option("--array-limit", value: "N", "show at most N elements of an array (default 8)")
        return s
    }

    struct Tensor: Encodable {
        let name: String, type: String, shape: [Int], offset: Int, file_offset: Int, bytes: Int
    }

    struct Report: Encodable {
        let file: String, version: UInt32, alignment: Int, data_offset: Int, file_size: Int
        let metadata: [String: JSONValue]
        let tensors: [Tensor]
        let total_tensor_bytes: Int
        let types: [String: Int]
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        let path = arguments.positional(0)!
        let limit = try arguments.int("--array-limit", default: 8, in: 0...1_000_000)
        let file = try GGUFFile(path: path)
        let tensors = file.tensors.map {
            Tensor(name: $0.name, type: $0.type.name, shape: $0.shape, offset: $0.offset,
                   file_offset: file.fileOffset(of: $0), bytes: $0.byteCount)
        }
        var types: [String: Int] = [:]
        for t in tensors { types[t.type, default: 0] += 1 }
        let report = Report(
            file: path, version: file.version, alignment: file.alignment, data_offset: file.dataOffset,
            file_size: file.fileSize,
            metadata: Dictionary(uniqueKeysWithValues: file.metadata.map { ($0.key, JSONValue($0.value, arrayLimit: limit)) }),
            tensors: tensors, total_tensor_bytes: tensors.reduce(0) { $0 + $1.bytes }, types: types)
        if arguments.has("--json") { return try console.printJSON(report) }

        console.print("\(path): GGUF v\(file.version), \(formatBytes(file.fileSize)), alignment \(file.alignment), data at byte \(file.dataOffset)")
        console.print("\nmetadata (\(file.metadata.count) keys):")
        let keyWidth = file.metadata.map(\.key.count).max() ?? 0
        for (key, value) in file.metadata {
            console.print("  \(key.padding(toLength: keyWidth, withPad: " ", startingAt: 0))  \(value.typeDescription.padding(toLength: 9, withPad: " ", startingAt: 0))  \(JSONValue(value, arrayLimit: limit).text)")
        }
        console.print("\ntensors (\(tensors.count), \(formatBytes(report.total_tensor_bytes)); " +
                      types.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + "):")
        console.print(formatTable(header: ["name", "type", "shape", "offset", "bytes"], rows: tensors.map {
            [$0.name, $0.type, $0.shape.map(String.init).joined(separator: " x "), String($0.offset), String($0.bytes)]
        }))
    }
}
