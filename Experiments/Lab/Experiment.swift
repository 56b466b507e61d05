import Foundation
import QuantLabCLI

/// One experiment: measures something on this machine and returns the notebook that reports it.
///
/// An experiment gets its figures by running `quantlab` commands in-process through `Lab.quantlab(_:)` where a
/// command measures what it needs (so each table names a command that reproduces it), and by calling the lab's
/// modules directly for what no command reports.
public protocol Experiment {
    /// The name `quantlab experiment NAME` takes, and the notebook's file stem.
    static var name: String { get }
    /// The question the experiment answers, in one line (shown by `quantlab experiment --help`).
    static var summary: String { get }
    /// Roughly how long a full run takes on the lab's 2-core machine (shown before it starts).
    static var duration: String { get }
    static func run(_ lab: Lab) throws -> Notebook
}

/// An experiment as a value (its metatype's members captured through a generic, not an existential).
public struct ExperimentEntry: Sendable {
    public let name: String, summary: String, duration: String
    let run: @Sendable (Lab) throws -> Notebook

    init<E: Experiment>(_ experiment: E.Type) {
        name = E.name
        summary = E.summary
        duration = E.duration
        run = { try E.run($0) }
    }
}

/// Every experiment, in the order `--help` and `all` list them.
public enum ExperimentCatalog {
    public static let all: [ExperimentEntry] = [
        ExperimentEntry(RooflineExperiment.self), ExperimentEntry(UnpackingExperiment.self),
        ExperimentEntry(BottleneckExperiment.self), ExperimentEntry(BitsVsQualityExperiment.self),
        ExperimentEntry(CompressibilityExperiment.self), ExperimentEntry(TuningExperiment.self),
    ]

    public static func named(_ name: String) -> ExperimentEntry? { all.first { $0.name == name } }
}
