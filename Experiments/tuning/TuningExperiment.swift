// PLACEHOLDER: replaced by the experiment's implementation.
public enum TuningExperiment: Experiment {
    public static let name = "tuning"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("tuning is being written") }
}
