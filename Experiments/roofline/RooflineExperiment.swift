// PLACEHOLDER: replaced by the experiment's implementation.
public enum RooflineExperiment: Experiment {
    public static let name = "roofline"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("roofline is being written") }
}
