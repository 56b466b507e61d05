import Foundation
import QuantFormats

/// The fastest variant of one format at one N and thread count, placed on that thread count's roofline.
struct RooflinePoint: Codable, Equatable {
    let format: String, n: Int, threads: Int
    let variant: String, method: String
    let gflops: Double, weightGBps: Double
    /// Operations per byte of compulsory traffic (`MatmulTraffic`).
    let intensity: Double
    /// The roof at that intensity: min(peak, bandwidth x intensity), GFLOP/s.
    let attainable: Double
    let fractionOfRoof: Double
    /// The intensity lies below the ridge: the bandwidth slope is the roof that applies.
    let bandwidthBound: Bool
}

/// Where one format meets the ridge at one thread count: by the traffic model and by the measured throughput.
struct RidgeCrossing: Codable, Equatable {
    let threads: Int
    let ridge: Double
    /// N where the model's intensity equals the ridge (real-valued; nil if never).
    let modelN: Double?
    /// The first swept N whose intensity is at or past the ridge.
    let firstSweptN: Int?
    /// The first swept N from which the best kernel's GFLOP/s stopped growing (`ThroughputKnee`).
    let measuredKnee: Int?
}

/// A format's traffic and its crossings.
struct FormatRoofline: Codable, Equatable {
    let format: String
    let bitsPerWeight: Double
    let weightBytes: Double
    let intensityAtSmallestN: Double, intensityAtLargestN: Double
    let crossings: [RidgeCrossing]
}

/// The measurements reduced to what the notebook reports.
struct RooflineAnalysis {
    let roofs: [Roof]
    let points: [RooflinePoint]
    let formats: [FormatRoofline]

    init(_ measurements: RooflineMeasurements) {
        let s = measurements.settings
        let roofs = measurements.roofs
        let points = Self.bestPoints(measurements.rows, roofs: roofs, m: s.m, k: s.k)
        self.roofs = roofs
        self.points = points
        formats = s.formats.map { format in
            let traffic = MatmulTraffic(format: format, m: s.m, k: s.k)
            let crossings = roofs.map { roof in
                let mine = Self.points(points, format: format.name, threads: roof.threads)
                return RidgeCrossing(threads: roof.threads, ridge: roof.ridge, modelN: traffic.crossing(ridge: roof.ridge),
                                     firstSweptN: s.ns.first { traffic.intensity(n: $0) >= roof.ridge },
                                     measuredKnee: ThroughputKnee.knee(mine.map { ($0.n, $0.gflops) }))
            }
            return FormatRoofline(format: format.name, bitsPerWeight: format.bitsPerWeight, weightBytes: traffic.weightBytes,
                                  intensityAtSmallestN: traffic.intensity(n: s.ns.first ?? 1),
                                  intensityAtLargestN: traffic.intensity(n: s.ns.last ?? 1), crossings: crossings)
        }
    }

    /// Per format, thread count and N, the row with the highest GFLOP/s, placed on its thread count's roof.
    static func bestPoints(_ rows: [BenchReport.Row], roofs: [Roof], m: Int, k: Int) -> [RooflinePoint] {
        var best: [String: BenchReport.Row] = [:]
        for row in rows where row.m == m && row.k == k {
            let key = "\(row.format)/\(row.threads)/\(row.n)"
            if best[key].map({ row.gflops > $0.gflops }) ?? true { best[key] = row }
        }
        return best.values.compactMap { row -> RooflinePoint? in
            guard let roof = roofs.first(where: { $0.threads == row.threads }), let format = GGMLType(name: row.format) else { return nil }
            let intensity = MatmulTraffic(format: format, m: m, k: k).intensity(n: row.n)
            let attainable = roof.attainable(intensity)
            return RooflinePoint(format: row.format, n: row.n, threads: row.threads, variant: row.variant, method: row.method,
                                 gflops: row.gflops, weightGBps: row.weight_gbps, intensity: intensity, attainable: attainable,
                                 fractionOfRoof: row.gflops / attainable, bandwidthBound: roof.isBandwidthBound(intensity))
        }
        .sorted { ($0.format, $0.threads, $0.n) < ($1.format, $1.threads, $1.n) }
    }

    static func points(_ points: [RooflinePoint], format: String, threads: Int) -> [RooflinePoint] {
        points.filter { $0.format == format && $0.threads == threads }.sorted { $0.n < $1.n }
    }

    func points(format: String, threads: Int) -> [RooflinePoint] { Self.points(points, format: format, threads: threads) }

    func point(format: String, threads: Int, n: Int) -> RooflinePoint? {
        points.first { $0.format == format && $0.threads == threads && $0.n == n }
    }
}
