import Dispatch
import GGUF
import KernelCore
import QuantFormats

/// Requantizes a GGUF model as `llama-quantize` does, to one of two recipes.
///
/// - `.pure(T)`, like `llama-quantize --pure`: every weight matrix (a tensor of two or more dimensions whose name ends
///   in `weight`) goes to T, dequantized first when stored quantized; one-dimensional tensors become f32; anything
///   else is copied.
/// - `.mix(M)`, like `llama-quantize` without `--pure`: llama.cpp's per-tensor rules for file type M
///   (`QuantizationMix`); tensors llama.cpp does not quantize keep their stored type.
///
/// Either way tensors are written in llama.cpp's order (by block, then by name) and `general.quantization_version` and
/// `general.file_type` end the metadata, as llama-quantize leaves them, so the files can be compared byte for byte.
struct ModelQuantizer {
    enum Recipe: Sendable, Equatable {
        case pure(GGMLType)
        case mix(QuantizationMix)
    }

    struct TensorPlan: Encodable {
        let name: String, from: String, to: String, bytes: Int
        /// The mix rule that chose `to`, when it is not the mix's base type.
        let rule: String?
        /// Why the tensor did not get the requested (or the rule's) type, when it did not.
        let fallback: String?
    }

    let recipe: Recipe

    /// llama.cpp's `llama_ftype` for the result (`general.file_type`).
    var fileType: UInt32 {
        switch recipe {
        case .mix(let mix): mix.fileType
        case .pure(let target): target.pureFileType
        }
    }

    static var targets: [GGMLType] { QuantizationMix.writableTypes }

    /// Metadata llama-quantize drops: the output is one file whatever the input's split was.
    static let splitKeys = ["split.no", "split.count", "split.tensors.count"]

    /// The pure recipe's choice for one tensor: `target`, or llama.cpp's fallback when the row is not whole blocks.
    func purePlan(_ info: GGUFTensorInfo, target: GGMLType) throws -> QuantizationMix.Choice {
        if info.shape.count >= 2 && info.name.hasSuffix("weight") {
            let (type, fallback) = try QuantizationMix.blockFallback(target, rowLength: info.rowLength)
            return QuantizationMix.Choice(type: type, rule: nil, fallback: fallback)
        }
        return QuantizationMix.Choice(type: info.shape.count == 1 ? .f32 : info.type, rule: nil, fallback: nil)
    }

    /// Every tensor in llama.cpp's order with its choice, decided before any data is converted so that a mix that
    /// needs a type the lab cannot write fails at once.
    func plan(_ file: GGUFFile) throws -> [(GGUFTensorInfo, QuantizationMix.Choice)] {
        let tensors = LlamaTensorOrder.sorted(file.tensors)
        switch recipe {
        case .pure(let target):
            return try tensors.map { ($0, try purePlan($0, target: target)) }
        case .mix(let mix):
            let choices = try mix.plan(tensors, model: MixModel(file: file))
            return zip(tensors, choices).map { info, choice in
                (info, choice ?? QuantizationMix.Choice(type: info.type, rule: nil, fallback: nil))
            }
        }
    }

    /// Builds the output writer; `progress` is called after each tensor with (done, total).
    func quantize(_ file: GGUFFile, progress: (Int, Int) -> Void) throws -> (GGUFWriter, [TensorPlan]) {
        let planned = try plan(file)
        var writer = GGUFWriter(metadataFrom: file)
        for key in Self.splitKeys { writer.removeMetadata(key) }
        // llama.cpp sets these two after copying the input's metadata, and setting a key moves it to the end.
        for (key, value) in [("general.quantization_version", UInt32(2)), ("general.file_type", fileType)] {
            writer.removeMetadata(key)
            try writer.setMetadata(key, .uint32(value))
        }
        var plans: [TensorPlan] = []
        for (index, (info, choice)) in planned.enumerated() {
            let bytes = try convert(file.bytes(of: info), info, to: choice.type)
            try writer.addTensor(name: info.name, type: choice.type, shape: info.shape, bytes: bytes)
            plans.append(TensorPlan(name: info.name, from: info.type.name, to: choice.type.name, bytes: bytes.count,
                                    rule: choice.rule, fallback: choice.fallback))
            progress(index + 1, planned.count)
        }
        return (writer, plans)
    }

    /// The tensor's rows re-encoded as `type`, rows spread over the cores.
    func convert(_ source: UnsafeRawBufferPointer, _ info: GGUFTensorInfo, to type: GGMLType) throws -> [UInt8] {
        if type == info.type { return [UInt8](source) }
        guard let from = FormatTraits.of(info.type) else {
            throw InputError("tensor '\(info.name)' is \(info.type.name), which the lab cannot dequantize; it reads \(FormatTraits.all.map(\.name).joined(separator: ", "))")
        }
        let to = FormatTraits.of(type)!
        let rowLength = info.rowLength, rows = info.rowCount
        let inRow = info.type.rowBytes(count: rowLength)!, outRow = type.rowBytes(count: rowLength)!
        var output = [UInt8](repeating: 0, count: outRow * rows)
        let chunk = max(1, rows / 64)
        output.withUnsafeMutableBytes { out in
            let outBase = UnsafeSendable(out.baseAddress!), inBase = UnsafeSendable(UnsafeMutableRawPointer(mutating: source.baseAddress!))
            DispatchQueue.concurrentPerform(iterations: (rows + chunk - 1) / chunk) { c in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
                defer { scratch.deallocate() }
                for r in c * chunk..<min(rows, (c + 1) * chunk) {
                    from.dequantize(inBase.pointer + r * inRow, scratch, rowLength)
                    to.quantize(scratch, outBase.pointer + r * outRow, rowLength)
                }
            }
        }
        return output
    }
}

/// A raw pointer handed to worker threads that write disjoint ranges.
struct UnsafeSendable: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}
