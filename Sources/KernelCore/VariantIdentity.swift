import QuantFormats

/// The instruction sets variants are written for, widest first: the order is the default rule's preference.
public enum InstructionSet: String, CaseIterable, Sendable, Codable, Comparable {
    case avx512, avx2, portable, scalar
    /// f64 arithmetic: the exact reference, not a speed tier.
    case f64

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a variant computes its product.
public enum KernelMethod: String, CaseIterable, Sendable, Codable {
    /// f64 product of the dequantized weights: the answer every variant is judged against.
    case exact
    /// Scalar integer block dot products, as ggml's generic C code.
    case reference
    /// Output rows from the weights as stored (register tiles of a few rows and columns).
    case rows
    /// Output tiles from weights repacked at load (rows interleaved block by block).
    case tiled
}

/// Whether a variant runs on the caller's thread or splits its rows over the pool (adding `threads` and `chunk`).
public enum Threading: String, CaseIterable, Sendable, Codable {
    case single, threaded
}

/// What a variant is, as typed fields; `id` is derived from them and is what databases, baselines and flags name.
public struct VariantIdentity: Hashable, Sendable {
    public let weightType: GGMLType
    public let activationType: GGMLType
    public let instructionSet: InstructionSet
    public let method: KernelMethod
    public let threading: Threading
    /// Tells apart variants that agree on all of the above (an experiment, a worked example); nil for the lab's own.
    public let tag: String?

    public init(weightType: GGMLType, activationType: GGMLType, instructionSet: InstructionSet, method: KernelMethod,
                threading: Threading = .single, tag: String? = nil) {
        self.weightType = weightType
        self.activationType = activationType
        self.instructionSet = instructionSet
        self.method = method
        self.threading = threading
        self.tag = tag
    }

    /// `q4_0xq8_0.avx512.tiled-threaded`: operands, instruction set, then the method (`threaded` alone for the
    /// threaded row kernels, the ids the lab has always used), then the tag if there is one.
    public var id: String {
        "\(weightType.name)x\(activationType.name).\(instructionSet.rawValue).\(label)" + (tag.map { ".\($0)" } ?? "")
    }

    /// The last part of the id: method and threading, as tables show them (`rows`, `threaded`, `tiled-threaded`).
    public var label: String {
        switch (method, threading) {
        case (_, .single): method.rawValue
        case (.rows, .threaded): "threaded"
        case (_, .threaded): "\(method.rawValue)-threaded"
        }
    }
}
