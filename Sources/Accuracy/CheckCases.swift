/// The one case list that `quantlab check` verifies and `quantlab bench` times, as ggml's test-backend-ops drives
/// both its correctness and perf modes from one list.
public enum CheckCases {
    /// A weight matrix shape (M outputs, K inputs) that benchmarks time.
    public struct MatrixShape: Sendable, Hashable {
        public let m: Int, k: Int
        public var text: String { "\(m)x\(k)" }
    }

    /// One Llama-3-8B layer (attention and both MLP shapes) and SmolLM2-135M (attention, MLP, output head).
    public static let perfShapes: [MatrixShape] = [
        .init(m: 4096, k: 4096), .init(m: 14336, k: 4096), .init(m: 4096, k: 14336),
        .init(m: 576, k: 576), .init(m: 1536, k: 576), .init(m: 576, k: 1536), .init(m: 49152, k: 576),
    ]

    /// Above this many weights a perf shape is checked at N = 1 only: the f64 reference of a prefill-sized N on
    /// 14336 x 4096 would take minutes, and decode (N = 1) is where those shapes run.
    static let prefillCheckLimit = 1 << 21

    /// Every case, perf shapes first. K of 32 fits only the 32-element formats; K of 256 or more fits all.
    public static let all: [CheckCase] = perf + edges

    /// The perf shapes as check cases: N = 1 for all, and N = 16 (the tiled prefill path) for the small ones.
    public static let perf: [CheckCase] = perfShapes.flatMap { s -> [CheckCase] in
        var cases = [CheckCase("bench-\(s.text)-n1", m: s.m, k: s.k, n: 1, data: .bench, perf: true)]
        if s.m * s.k <= prefillCheckLimit {
            cases.append(CheckCase("bench-\(s.text)-n16", m: s.m, k: s.k, n: 16, data: .bench, perf: true))
        }
        return cases
    }

    /// Edge cases: one block, one row, every N from 1 to 33 (past every column tile and its tail), unaligned
    /// operands, and the data kinds that stress scales.
    public static let edges: [CheckCase] = [
        CheckCase("k-one-block-32", m: 8, k: 32, n: 4, seed: 2),
        CheckCase("k-one-block-256", m: 8, k: 256, n: 4, seed: 3),
        // One row gives one to three outputs, too few for NMSE to average out activation rounding (the scalar
        // reference itself reaches 3x the q8_0 tolerance on Gaussian data): int8x activations remove that
        // rounding, so the one-row path is held to float accuracy instead.
        CheckCase("m1", m: 1, k: 512, n: 3, data: .int8x, seed: 4),
        CheckCase("m1-n1", m: 1, k: 512, n: 1, data: .int8x, seed: 5),
    ] + (1...33).map { n in
        CheckCase("n\(n)", m: 37, k: 256, n: n, seed: UInt64(100 + n))
    } + [
        CheckCase("unaligned", m: 37, k: 512, n: 5, seed: 6, unaligned: true),
        CheckCase("unaligned-n1", m: 64, k: 512, n: 1, seed: 7, unaligned: true),
        CheckCase("zeros", m: 24, k: 512, n: 4, data: .zeros, seed: 8),
        CheckCase("outliers", m: 64, k: 512, n: 4, data: .outliers, seed: 9),
        CheckCase("cos", m: 32, k: 512, n: 4, data: .cos, seed: 10),
        CheckCase("ramp", m: 32, k: 512, n: 4, data: .ramp, seed: 11),
        CheckCase("tiny", m: 32, k: 512, n: 4, data: .tiny, seed: 12),
        CheckCase("int8x", m: 40, k: 1024, n: 3, data: .int8x, seed: 13),
        CheckCase("int8x-n16", m: 64, k: 512, n: 16, data: .int8x, seed: 14),
    ]
}
