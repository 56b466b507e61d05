import Foundation

/// The parsers that read what strangers hand the lab, each as a function of arbitrary bytes that must return (any
/// outcome, an error included) and never crash, hang or break an invariant. libFuzzer drives them through
/// `quantlab-fuzz`; the test suite replays the seed corpus and every input that once crashed.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// GGUF parsing, then everything the lab does with a parsed file before loading weights: metadata and tensor
    /// accessors, the model configuration, the tokenizer.
    case gguf
    /// Byte-level BPE encoding of arbitrary text, which must decode back to the same text.
    case tokenizer
    /// The tuning database loader, whose accepted input must survive a save and reload unchanged.
    case tuningDatabase = "tuning-db"

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .gguf: GGUFFuzz.run(bytes)
        case .tokenizer: TokenizerFuzz.run(bytes)
        case .tuningDatabase: TuningDatabaseFuzz.run(bytes)
        }
    }
}
