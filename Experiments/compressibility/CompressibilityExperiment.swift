// PLACEHOLDER: replaced by the experiment's implementation.
public enum CompressibilityExperiment: Experiment {
    public static let name = "compressibility"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("compressibility is being written") }
}
