import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A base model's token log-probabilities on a text, in llama.cpp's `--kl-divergence-base` format, so that a file
/// either tool writes the other reads:
///
///     offset  size               field
///     0       8                  "_logits_"
///     8       4                  u32 context (tokens per chunk)
///     12      4                  i32 vocabulary size
///     16      4                  i32 chunks
///     20      4 * context*chunks i32 token ids of the evaluated text
///     ...     per chunk, for each of its positions context/2 ..< context-1, one row of 2 * ((vocabulary + 1) / 2) + 4
///             little-endian u16: the f32 scale and the f32 minimum log-probability, then log p(i) =
///             scale * q[i] + minimum for every token i (log-probabilities below the top one's minus 16 clamp to it)
///
/// Written chunk by chunk and read chunk by chunk: no whole-text logits are held in memory.
public enum LogitsFile {
    static let magic = Array("_logits_".utf8)
    static let headerBytes = 20

    /// u16 per row: the two floats and the vocabulary, padded to an even count.
    public static func rowLength(vocabulary: Int) -> Int { 2 * ((vocabulary + 1) / 2) + 4 }
    /// Rows (scored positions) per chunk.
    public static func rowsPerChunk(context: Int) -> Int { context - 1 - context / 2 }

    /// llama.cpp's compression of one row of logits (`log_softmax` in tools/perplexity, ggml's `nearest_int`).
    public static func compress(_ logits: [Float], into row: inout [UInt16]) {
        var maxLogit = logits[0], minLogit = logits[0]
        for v in logits.dropFirst() { maxLogit = max(maxLogit, v); minLogit = min(minLogit, v) }
        minLogit = max(minLogit, maxLogit - 16)
        var sumExp = 0.0
        for v in logits { sumExp += Double(expf(v - maxLogit)) }
        let logSumExp = Float(log(sumExp))
        let minLogProb = minLogit - maxLogit - logSumExp
        let scale = (maxLogit - minLogit) / 65535
        row.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: scale.bitPattern.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: minLogProb.bitPattern.littleEndian, toByteOffset: 4, as: UInt32.self)
        }
        let inverse: Float = scale != 0 ? 1 / scale : 0
        for i in logits.indices {
            let q = scale != 0 && logits[i] > minLogit ? nearestInt(inverse * (logits[i] - minLogit)) : 0
            row[4 + i] = UInt16(truncatingIfNeeded: q).littleEndian
        }
        for i in (4 + logits.count)..<row.count { row[i] = 0 }
    }

    static func nearestInt(_ value: Float) -> Int32 {
        Int32(bitPattern: (value + 12_582_912).bitPattern & 0x007f_ffff) - 0x0040_0000
    }

    /// The (scale, minimum) of a compressed row and log p(token) of token `i`.
    @inline(__always)
    static func logProbability(_ row: UnsafeBufferPointer<UInt16>, _ i: Int, scale: Float, minimum: Float) -> Float {
        scale * Float(UInt16(littleEndian: row[4 + i])) + minimum
    }

    /// Writes a file chunk by chunk into a temporary file beside `path`, renamed over it by `finish()`: a run that
    /// is killed or fails leaves what was at `path` before.
    public final class Writer {
        let path: String, temporary: String, handle: FileHandle
        let context: Int, vocabulary: Int
        private var row: [UInt16]
        private var finished = false

        public init(path: String, context: Int, vocabulary: Int, tokens: [Int]) throws {
            precondition(tokens.count % context == 0, "whole chunks only")
            self.path = path
            self.context = context
            self.vocabulary = vocabulary
            let url = URL(fileURLWithPath: path)
            temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                  let handle = FileHandle(forWritingAtPath: temporary) else {
                throw ModelError("cannot create \(temporary) beside \(path): check that the folder exists and is writable")
            }
            self.handle = handle
            row = [UInt16](repeating: 0, count: LogitsFile.rowLength(vocabulary: vocabulary))
            var header = Data(LogitsFile.magic)
            for v in [UInt32(context), UInt32(vocabulary), UInt32(tokens.count / context)] { header.append(littleEndian: v) }
            for t in tokens { header.append(littleEndian: UInt32(bitPattern: Int32(t))) }
            try write(header)
        }

        deinit {
            if !finished { try? handle.close(); unlink(temporary) }
        }

        /// The logits of one chunk's scored positions, in order.
        public func append(chunk rows: [[Float]]) throws {
            precondition(rows.count == LogitsFile.rowsPerChunk(context: context))
            var data = Data(capacity: rows.count * row.count * 2)
            for logits in rows {
                precondition(logits.count == vocabulary)
                LogitsFile.compress(logits, into: &row)
                row.withUnsafeBytes { data.append(contentsOf: $0) }
            }
            try write(data)
        }

        public func finish() throws {
            try handle.synchronize()
            try handle.close()
            finished = true
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                throw ModelError("cannot move the logits into \(path): \(String(cString: strerror(errno)))")
            }
        }

        private func write(_ data: Data) throws {
            do { try handle.write(contentsOf: data) } catch {
                throw ModelError("cannot write \(temporary): \(error.localizedDescription)")
            }
        }
    }

    /// Reads a file written by `Writer` or by `llama-perplexity --kl-divergence-base`, checking its header and size
    /// before anything is used.
    public final class Reader {
        public let context: Int, vocabulary: Int, chunks: Int
        public let tokens: [Int]
        let handle: FileHandle, path: String

        public init(path: String) throws {
            self.path = path
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ModelError("cannot open the base logits \(path)") }
            self.handle = handle
            func fail(_ why: String) -> ModelError {
                ModelError("\(path) is not a usable logits file: \(why); write one with `quantlab perplexity BASE --file TEXT --save-logits \(path)`")
            }
            let header = try handle.read(upToCount: LogitsFile.headerBytes) ?? Data()
            guard header.count == LogitsFile.headerBytes, Array(header.prefix(8)) == LogitsFile.magic else {
                throw fail("it does not start with \"_logits_\"")
            }
            let words = (0..<3).map { i in header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8 + 4 * i, as: UInt32.self)) } }
            context = Int(words[0]); vocabulary = Int(Int32(bitPattern: words[1])); chunks = Int(Int32(bitPattern: words[2]))
            guard context >= 4, context <= 1 << 20, vocabulary > 0, vocabulary <= 1 << 24, chunks > 0, chunks <= 1 << 20 else {
                throw fail("its header says \(context) tokens per chunk, \(vocabulary) tokens in the vocabulary and \(chunks) chunks")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
            let expected = LogitsFile.headerBytes + 4 * context * chunks
                + 2 * chunks * LogitsFile.rowsPerChunk(context: context) * LogitsFile.rowLength(vocabulary: vocabulary)
            guard size == expected else { throw fail("it has \(size) bytes where its header implies \(expected) (truncated or foreign)") }
            let ids = try handle.read(upToCount: 4 * context * chunks) ?? Data()
            let count = context * chunks
            tokens = ids.withUnsafeBytes { raw in
                (0..<count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            }
        }

        deinit { try? handle.close() }

        /// The next chunk's rows, as u16 (first two f32 as four u16, then the vocabulary).
        public func nextChunk() throws -> [UInt16] {
            let count = LogitsFile.rowsPerChunk(context: context) * LogitsFile.rowLength(vocabulary: vocabulary)
            let data = try handle.read(upToCount: 2 * count) ?? Data()
            guard data.count == 2 * count else { throw ModelError("\(path) ended inside a chunk") }
            return data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        }
    }
}

extension Data {
    mutating func append(littleEndian value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
