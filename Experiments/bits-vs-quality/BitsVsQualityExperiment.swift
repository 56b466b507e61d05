// PLACEHOLDER: replaced by the experiment's implementation.
public enum BitsVsQualityExperiment: Experiment {
    public static let name = "bits-vs-quality"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("bits-vs-quality is being written") }
}
