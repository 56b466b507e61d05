// PLACEHOLDER: replaced by the experiment's implementation.
public enum UnpackingExperiment: Experiment {
    public static let name = "unpacking"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("unpacking is being written") }
}
