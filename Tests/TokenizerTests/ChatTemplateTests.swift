import GGUF
import Testing
import TestSupport
@testable import Tokenizer

@Suite struct ChatTemplateTests {
    /// Expected strings rendered from SmolLM2's own `tokenizer.chat_template` with Python's jinja2.
    static let oneQuestion = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n" +
        "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"

    @Test func smolLM2OneQuestion() {
        let text = ChatTemplate.smolLM2.render(messages: [.user("What is the capital of France?")], addGenerationPrompt: true)
        #expect(text == ChatTemplateTests.oneQuestion)
    }

    @Test func explicitSystemMessageReplacesTheDefault() {
        let messages: [ChatMessage] = [.system("Be brief."), .user("Hi"), .assistant("Hello!"), .user("Bye")]
        #expect(ChatTemplate.smolLM2.render(messages: messages, addGenerationPrompt: false) ==
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n" +
                "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n")
        #expect(ChatTemplate.smolLM2.render(messages: [], addGenerationPrompt: true) == "<|im_start|>assistant\n")
    }

    @Test(.enabled(if: RealModels.smolLM2Path != nil))
    func readFromTheSmolLM2File() throws {
        let file = try GGUFFile(path: RealModels.smolLM2Path!)
        #expect(try ChatTemplate(gguf: file) == .smolLM2)
    }

    @Test(.enabled(if: RealModels.smolLM2Path != nil))
    func promptTokensWithParsedSpecials() throws {
        let tokenizer = try #require(SmolLM2.tokenizer)
        let ids = tokenizer.encode(ChatTemplateTests.oneQuestion, parseSpecial: true)
        // llama-tokenize --no-bos --no-escape -f PROMPT (special tokens parsed, its default).
        #expect(ids == [1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407,
                        19712, 8182, 2, 198, 1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531, 198])
        let start = try #require(tokenizer.tokenID("<|im_start|>"))
        #expect(Array(ids.suffix(4)) == [start] + tokenizer.encode("assistant\n"))
        // Without parsing, the marker is eight ordinary tokens and id 1 never appears.
        #expect(!tokenizer.encode(ChatTemplateTests.oneQuestion).contains(start))
        #expect(tokenizer.decode(ids, renderSpecial: true) == ChatTemplateTests.oneQuestion)
    }

    /// A Qwen2.5-style template: the default system prompt is written with the escape `\n`, and other branches
    /// concatenate content into `<|im_start|>system` literals, which must be skipped.
    @Test func qwenStyleDefaultSystemPrompt() throws {
        let source = #"""
            {%- if tools %}{{- '<|im_start|>system\n' }}{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- endif %}
            {%- else %}{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
            {%- else %}{{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
            {%- endif %}{%- endif %}{%- for message in messages %}{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}{%- endfor %}
            {%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}
            """#
        let template = try ChatTemplate(templateSource: source)
        #expect(template == .qwen25)
        #expect(template.render(messages: [.user("Hi")], addGenerationPrompt: true) ==
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
                "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func plainChatMLHasNoDefault() throws {
        let source = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        #expect(try ChatTemplate(templateSource: source).defaultSystemPrompt == nil)
    }

    @Test func nonChatMLIsRefused() {
        let error = #expect(throws: TokenizerError.self) {
            try ChatTemplate(templateSource: "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}")
        }
        #expect(error?.kind == .unsupportedChatTemplate)
    }
}
