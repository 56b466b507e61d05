import Foundation

/// `quantlab experiment unpacking`: q4_0, q4_K, q8_0 (and q4_1, q5_0, q6_K) with weights in L2, L3 and DRAM at
/// N = 1 and 512, per instruction-set tier: where q4_K's unpacking shows, and whether q4_0 beats it as Song et al.
/// (arXiv 2505.15030) found on their CPUs.
public enum UnpackingExperiment: Experiment {
    public static let name = "unpacking"
    public static let summary = "q4_0 vs q4_K vs q8_0 (and q4_1, q5_0, q6_K) with weights in L2, L3 and DRAM at N = 1 and 512, per ISA tier: does q4_0 beat q4_K?"
    public static let duration = "about 5 min"

    public static func run(_ lab: Lab) throws -> Notebook {
        let settings = lab.quick ? UnpackingSettings.quick() : UnpackingSettings.full()
        let measurements = try UnpackingMeasurements.run(lab, settings)
        return try UnpackingNotebook.make(measurements, UnpackingAnalysis(measurements), quick: lab.quick)
    }
}
