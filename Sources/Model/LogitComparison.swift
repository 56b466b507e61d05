import Foundation

/// How far one path's logits are from another's (the reference's), position by position.
public struct LogitComparison: Sendable, Codable {
    public struct Position: Sendable, Codable {
        public let position: Int
        public let nmse: Double
        public let maxAbsError: Double
        /// KL(reference ‖ candidate) of the softmax distributions, in nats.
        public let kl: Double
        public let referenceTop: Int
        public let candidateTop: Int
        public var topAgrees: Bool { referenceTop == candidateTop }

        enum CodingKeys: String, CodingKey {
            case position, nmse, kl
            case maxAbsError = "max_abs_error", referenceTop = "reference_top", candidateTop = "candidate_top"
        }
    }

    public let positions: [Position]

    public init(reference: [[Float]], candidate: [[Float]], positions labels: [Int]? = nil) {
        precondition(reference.count == candidate.count, "both paths must give logits at the same positions")
        positions = reference.indices.map { i in
            Self.compare(reference[i], candidate[i], position: labels?[i] ?? i)
        }
    }

    static func compare(_ r: [Float], _ c: [Float], position: Int) -> Position {
        var squaredError = 0.0, squaredReference = 0.0, maxAbs = 0.0
        for i in r.indices {
            let e = Double(c[i]) - Double(r[i])
            squaredError += e * e
            squaredReference += Double(r[i]) * Double(r[i])
            maxAbs = max(maxAbs, abs(e))
        }
        let logP = logSoftmax(r), logQ = logSoftmax(c)
        var kl = 0.0
        for i in r.indices { kl += exp(logP[i]) * (logP[i] - logQ[i]) }
        return Position(position: position, nmse: squaredReference > 0 ? squaredError / squaredReference : squaredError,
                        maxAbsError: maxAbs, kl: max(0, kl), referenceTop: argmax(r), candidateTop: argmax(c))
    }

    public static func logSoftmax(_ logits: [Float]) -> [Double] {
        let m = Double(logits.max() ?? 0)
        let logSum = log(logits.reduce(0.0) { $0 + exp(Double($1) - m) }) + m
        return logits.map { Double($0) - logSum }
    }

    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    public var topAgreement: Double { Double(positions.filter(\.topAgrees).count) / Double(max(1, positions.count)) }
    public var meanKL: Double { positions.map(\.kl).reduce(0, +) / Double(max(1, positions.count)) }
    public var maxKL: Double { positions.map(\.kl).max() ?? 0 }
    public var meanNMSE: Double { positions.map(\.nmse).reduce(0, +) / Double(max(1, positions.count)) }
    public var maxNMSE: Double { positions.map(\.nmse).max() ?? 0 }
    public var maxAbsError: Double { positions.map(\.maxAbsError).max() ?? 0 }
}
