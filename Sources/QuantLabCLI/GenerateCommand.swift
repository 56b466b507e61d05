import Foundation
import Model
import Tokenizer

/// `quantlab generate`: text from a prompt, streamed as it is produced.
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "generate text from a prompt, streaming tokens (greedy by default)"
    static let usage = """
        quantlab generate [MODEL] --prompt TEXT [--chat] [-n N] [--temp T] [--top-k K] [--top-p P] [--seed S] [--threads N] [--json]

        --chat wraps the prompt in the model's chat template (ChatML for SmolLM2) as one user message. Generation stops
        after N tokens (default 128) or at an end-of-generation token. Temperature 0 (the default) is greedy.
        """
    static var spec: ArgumentSpec {
        var s = ArgumentSpec()
        ModelOptions.add(to: &s)
        s.option("--prompt", value: "TEXT", "the prompt (required)")
        s.flag("--chat", "apply the chat template to the prompt")
        s.option("-n", value: "N", "tokens to generate at most (default 128)")
        s.option("--temp", value: "T", "sampling temperature, 0 for greedy (default 0)")
        s.option("--top-k", value: "K", "keep the K most likely tokens, 0 for all (default 40)")
        s.option("--top-p", value: "P", "keep the smallest set of tokens with probability mass P (default 0.95)")
        s.option("--seed", value: "S", "random seed for sampling (default 0)")
        s.flag("--json", "print {\"text\", \"tokens\", speeds} instead of streaming")
        return s
    }

    struct Report: Encodable {
        let model: String, prompt: String, text: String, prompt_tokens: Int, tokens: [Int]
        let stop_reason: String, prompt_tokens_per_second: Double, tokens_per_second: Double
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws {
        guard let prompt = arguments.value("--prompt") else { throw UsageError("--prompt TEXT is required") }
        let count = try arguments.int("-n", default: 128, in: 1...1_000_000)
        let sampler = try Sampler(temperature: try double(arguments, "--temp", 0), topK: try arguments.int("--top-k", default: 40, in: 0...Int.max),
                                  topP: try double(arguments, "--top-p", 0.95),
                                  seed: UInt64(try arguments.int("--seed", default: 0, in: 0...Int.max)))
        let threads = try ModelOptions.threads(arguments, command: "generate")
        let model = try ModelOptions.open(ModelOptions.modelName(arguments))
        let tokenizer = try ModelOptions.tokenizer(model)
        let text = arguments.has("--chat") ? try chatPrompt(prompt, model: model) : prompt
        let promptTokens = try tokenizer.encode(text, addBOS: nil, parseSpecial: arguments.has("--chat"))
        guard !promptTokens.isEmpty else { throw InputError("the prompt gives no tokens") }
        let capacity = min(model.config.contextLength, promptTokens.count + count)
        guard promptTokens.count < capacity else {
            throw InputError("the prompt has \(promptTokens.count) tokens; the model's context is \(model.config.contextLength)")
        }
        let session = try ModelOptions.session(model, arguments, threads: threads, capacity: capacity, console: console)
        let json = arguments.has("--json")
        let result = try Generation.run(session: session, tokenizer: tokenizer, prompt: promptTokens, count: count,
                                        sampler: sampler) { piece in if !json { console.write(piece) } }
        if json {
            return try console.printJSON(Report(model: model.source, prompt: prompt, text: result.text,
                                                prompt_tokens: promptTokens.count, tokens: result.tokens,
                                                stop_reason: result.stopReason,
                                                prompt_tokens_per_second: result.promptTokensPerSecond,
                                                tokens_per_second: result.tokensPerSecond))
        }
        console.print("")
        console.printError(String(format: "[%d prompt tokens at %.1f tokens/s; %d generated at %.1f tokens/s; stopped: %@]",
                                  promptTokens.count, result.promptTokensPerSecond, result.tokens.count,
                                  result.tokensPerSecond, result.stopReason))
    }

    static func chatPrompt(_ prompt: String, model: TransformerModel) throws -> String {
        let template = try ChatTemplate(gguf: model.file)
        return template.render(messages: [ChatMessage(role: "user", content: prompt)], addGenerationPrompt: true)
    }

    static func double(_ arguments: ParsedArguments, _ name: String, _ fallback: Double) throws -> Double {
        guard let text = arguments.value(name) else { return fallback }
        guard let value = Double(text), value.isFinite else { throw UsageError("\(name) expects a number, got '\(text)'") }
        return value
    }
}

/// Prompt, then one token at a time until the count or an end-of-generation token.
enum Generation {
    struct Result {
        var tokens: [Int] = []
        var text = ""
        var stopReason = "length"
        var promptTokensPerSecond = 0.0
        var tokensPerSecond = 0.0
    }

    static func run(session: InferenceSession, tokenizer: Tokenizer, prompt: [Int], count: Int, sampler: Sampler,
                    emit: (String) -> Void) throws -> Result {
        var sampler = sampler, result = Result()
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        // Control tokens other than end-of-generation ones (<|im_start|>, reserved fillers) decode to nothing, so a
        // reply made of them would look empty: they are never sampled.
        let silent = (0..<tokenizer.vocabularySize).filter { id in
            let type = tokenizer.tokenType(id)
            return (type == .control || type == .unused) && !tokenizer.isEndOfGeneration(id)
        }
        let promptStart = Date()
        var logits = try session.evaluate(prompt, outputs: [prompt.count - 1])[0]
        result.promptTokensPerSecond = Double(prompt.count) / Date().timeIntervalSince(promptStart)
        let start = Date()
        while result.tokens.count < count {
            for id in silent where id < logits.count { logits[id] = -.infinity }
            let token = sampler.next(logits)
            if tokenizer.isEndOfGeneration(token) { result.stopReason = "end of generation"; break }
            result.tokens.append(token)
            let piece = decoder.append(token)
            result.text += piece
            emit(piece)
            if result.tokens.count == count || session.position == session.capacity { break }
            logits = try session.evaluate([token], outputs: [0])[0]
        }
        let tail = decoder.finish()
        result.text += tail
        emit(tail)
        result.tokensPerSecond = Double(result.tokens.count) / max(1e-9, Date().timeIntervalSince(start))
        return result
    }
}
