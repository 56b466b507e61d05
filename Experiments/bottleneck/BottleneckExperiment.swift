// PLACEHOLDER: replaced by the experiment's implementation.
public enum BottleneckExperiment: Experiment {
    public static let name = "bottleneck"
    public static let summary = "(being written)"
    public static let duration = "-"
    public static func run(_ lab: Lab) throws -> Notebook { throw ExperimentError("bottleneck is being written") }
}
