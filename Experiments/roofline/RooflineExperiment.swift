import Foundation

/// `quantlab experiment roofline`: the host's bandwidth and int8 ceilings, and every format's best kernels placed on
/// them by arithmetic intensity over N = 1 ... 512 (Song et al., arXiv 2505.15030: decode memory-bound, prefill
/// compute-bound).
public enum RooflineExperiment: Experiment {
    public static let name = "roofline"
    public static let summary = "measured bandwidth and int8 ceilings, with every format's best kernel at N = 1 ... 512 placed by arithmetic intensity"
    public static let duration = "about 4 min"

    public static func run(_ lab: Lab) throws -> Notebook {
        let settings = lab.quick ? RooflineSettings.quick() : RooflineSettings.full()
        let measurements = try RooflineMeasurements.run(lab, settings)
        return try RooflineNotebook.make(measurements, RooflineAnalysis(measurements), quick: lab.quick)
    }
}
