import Foundation
import GGUF
import Model
import Testing

/// Sizes that come from a file's claims, not its bytes, are checked against this machine's memory before anything
/// is allocated: a model file larger than memory, and a context length whose KV cache would not fit.
@Suite struct ResourceBoundsTests {
    /// A sparse file as large as the machine's memory: refused by size, before it is mapped or parsed.
    @Test func modelLargerThanMemoryIsRefusedBeforeLoading() throws {
        let path = NSTemporaryDirectory() + "quantlab-huge-\(UUID().uuidString).gguf"
        FileManager.default.createFile(atPath: path, contents: Data("GGUF".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: ProcessInfo.processInfo.physicalMemory)
        try handle.close()
        do {
            _ = try TransformerModel.load(path: path)
            Issue.record("a file as large as memory loaded")
        } catch {
            #expect("\(error)".contains("too little to run it"), "\(error)")
        }
    }

    /// A context length that would make a KV cache of petabytes (or overflow an Int) is refused with the figure.
    @Test(arguments: [Int64(1) << 40, Int64(Int32.max)])
    func hostileContextLengthIsRefusedBeforeTheCacheIsAllocated(_ context: Int64) throws {
        var writer = try SyntheticModel.writer(for: .builtin)
        try writer.setMetadata("llama.context_length", .uint64(UInt64(context)))
        let model = try TransformerModel(file: GGUFFile(bytes: writer.serialized()), source: "hostile context")
        do {
            _ = try InferenceSession(model: model, dispatch: MatmulDispatch(threads: 1))
            Issue.record("a session for a context of \(context) was created")
        } catch {
            #expect("\(error)".contains("KV cache of"), "\(error)")
            #expect("\(error)".contains("shorter context"), "\(error)")
        }
        // An explicit, modest capacity still works on the same model.
        _ = try InferenceSession(model: model, dispatch: MatmulDispatch(threads: 1), capacity: 64)
    }
}
