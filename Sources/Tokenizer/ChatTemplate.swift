import GGUF

/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

/// The ChatML prompt format of SmolLM2 and Qwen2.5: each message is
/// `<|im_start|>ROLE\nCONTENT<|im_end|>\n`, and the prompt for a reply ends with `<|im_start|>assistant\n`.
///
/// Both models' Jinja templates (`tokenizer.chat_template`) also put a default system message first when the
/// conversation does not start with one; `defaultSystemPrompt` holds that text, read from the template. This type
/// renders what those templates render for plain text messages (no tools); it does not run Jinja.
public struct ChatTemplate: Sendable, Equatable {
    /// The system message added when the first message is not a system message; nil for none.
    public let defaultSystemPrompt: String?

    public init(defaultSystemPrompt: String?) {
        self.defaultSystemPrompt = defaultSystemPrompt
    }

    /// The template of a GGUF file's `tokenizer.chat_template`.
    public init(gguf: GGUFFile) throws {
        guard let source = gguf["tokenizer.chat_template"]?.stringValue else {
            throw TokenizerError(.badMetadata, "tokenizer.chat_template is missing or not a string")
        }
        try self.init(templateSource: source)
    }

    /// Recognises a ChatML Jinja template and reads its default system prompt, if it has one. Any other template is
    /// an error: rendering it would need a Jinja interpreter.
    public init(templateSource: String) throws {
        guard templateSource.contains("<|im_start|>"), templateSource.contains("<|im_end|>") else {
            throw TokenizerError(.unsupportedChatTemplate,
                                 "tokenizer.chat_template is not ChatML (no <|im_start|>/<|im_end|>); only ChatML templates are supported")
        }
        self.init(defaultSystemPrompt: ChatTemplate.defaultSystemPrompt(in: templateSource))
    }

    /// SmolLM2-Instruct's template, as its GGUF carries it.
    public static let smolLM2 = ChatTemplate(
        defaultSystemPrompt: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

    /// Qwen2.5-Instruct's template (without tools).
    public static let qwen25 = ChatTemplate(
        defaultSystemPrompt: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")

    /// The prompt text; tokenize it with `parseSpecial: true` so the markers become their single ids.
    ///
    /// - Parameter addGenerationPrompt: end with `<|im_start|>assistant\n`, the cue for the model's reply.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var text = ""
        if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
            text += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
        }
        for m in messages { text += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
        if addGenerationPrompt { text += "<|im_start|>assistant\n" }
        return text
    }

    /// The literal system message a ChatML template writes when none is given: the first string literal of the form
    /// `'<|im_start|>system\n...<|im_end|>` in which nothing is concatenated (SmolLM2 writes a real newline there,
    /// Qwen2.5 the escape `\n`).
    static func defaultSystemPrompt(in source: String) -> String? {
        let marker = "<|im_start|>system"
        var searchStart = source.startIndex
        while let found = source[searchStart...].firstRange(of: marker) {
            searchStart = found.upperBound
            // The quote that opened the literal this marker is in.
            guard let quote = source[..<found.lowerBound].last, quote == "'" || quote == "\"" else { continue }
            var rest = source[found.upperBound...]
            if rest.hasPrefix("\n") { rest = rest.dropFirst() } else if rest.hasPrefix("\\n") { rest = rest.dropFirst(2) } else { continue }
            guard let end = rest.firstRange(of: "<|im_end|>") else { continue }
            let body = rest[..<end.lowerBound]
            if body.contains(quote) { continue }  // the literal closed before <|im_end|>: content is concatenated
            return unescapeJinja(String(body))
        }
        return nil
    }

    /// Undoes the backslash escapes of a Jinja string literal.
    private static func unescapeJinja(_ s: String) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
