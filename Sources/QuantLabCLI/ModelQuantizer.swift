import Dispatch
import GGUF
import KernelCore
import QuantFormats

/// Requantizes a GGUF model to one weight type, as `llama-quantize --pure` does: every weight matrix (a tensor of
/// two or more dimensions whose name ends in `weight`) goes to the target type, dequantized first when stored
/// quantized; one-dimensional tensors become f32; anything else is copied.
struct ModelQuantizer {
    struct TensorPlan: Encodable {
        let name: String, from: String, to: String, bytes: Int
        /// Why the tensor did not get the requested type, when it did not.
        let fallback: String?
    }

    let target: GGMLType

    /// llama.cpp's `llama_ftype` for an all-`target` file (`general.file_type`).
    var fileType: UInt32 {
        switch target {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .q5_0: 8
        case .q4_K: 14   // LLAMA_FTYPE_MOSTLY_Q4_K_S, what llama-quantize --pure Q4_K_S writes
        case .q6_K: 18
        case .bf16: 32
        default: 0
        }
    }

    static let targets: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K, .f16, .bf16, .f32]

    /// The type a row of `rowLength` gets: `target`, or llama.cpp's fallback when the row is not whole blocks
    /// (`llama_tensor_get_type`: q4_K to q5_0, q6_K to q8_0, then f16).
    func type(forRowLength rowLength: Int) -> (GGMLType, String?) {
        if rowLength % target.blockSize == 0 { return (target, nil) }
        let reason = "row length \(rowLength) is not a multiple of \(target.name)'s block of \(target.blockSize)"
        let fallback: GGMLType = switch target {
        case .q4_K: .q5_0
        case .q6_K: .q8_0
        default: .f16
        }
        return rowLength % fallback.blockSize == 0 ? (fallback, reason) : (.f16, reason)
    }

    func plan(_ info: GGUFTensorInfo) -> (GGMLType, String?) {
        if info.shape.count >= 2 && info.name.hasSuffix("weight") { return type(forRowLength: info.rowLength) }
        if info.shape.count == 1 { return (.f32, nil) }
        return (info.type, nil)
    }

    /// Builds the output writer; `progress` is called after each tensor with (done, total).
    func quantize(_ file: GGUFFile, progress: (Int, Int) -> Void) throws -> (GGUFWriter, [TensorPlan]) {
        var writer = GGUFWriter(metadataFrom: file)
        try writer.setMetadata("general.file_type", .uint32(fileType))
        try writer.setMetadata("general.quantization_version", .uint32(2))
        var plans: [TensorPlan] = []
        for (index, info) in file.tensors.enumerated() {
            let (type, fallback) = plan(info)
            let bytes = try convert(file.bytes(of: info), info, to: type)
            try writer.addTensor(name: info.name, type: type, shape: info.shape, bytes: bytes)
            plans.append(TensorPlan(name: info.name, from: info.type.name, to: type.name, bytes: bytes.count, fallback: fallback))
            progress(index + 1, file.tensors.count)
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
