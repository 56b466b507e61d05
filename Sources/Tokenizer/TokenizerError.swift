/// Every failure of the tokenizer: a vocabulary that cannot be built from a GGUF file, a pre-tokenizer or chat
/// template this module does not implement. The message names the key, token or name concerned.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers and tests that branch on it; `message` carries the details.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A required metadata key is absent, or present with the wrong type.
        case badMetadata
        /// `tokenizer.ggml.model` names a model other than GPT-2 byte-level BPE.
        case unsupportedModel
        /// `tokenizer.ggml.pre` names a pre-tokenizer this module does not implement.
        case unsupportedPreTokenizer
        /// A merge rule that is malformed or names a token absent from the vocabulary.
        case invalidMerge
        /// Array lengths that disagree, or a special-token id outside the vocabulary.
        case invalidVocabulary
        /// A chat template this module cannot render.
        case unsupportedChatTemplate
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "tokenizer: \(message)" }
}
