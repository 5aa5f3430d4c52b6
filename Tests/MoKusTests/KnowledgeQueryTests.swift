import Foundation
import MoKus
import Testing
import TextEncoders

/// Queries from knowledge statements: the template, the chat wrapping, the anchor's leading space.
@Suite("MoKus knowledge queries")
struct KnowledgeQueryTests {
    @Test("the default template, a custom one, and a template without placeholder")
    func template() throws {
        #expect(try KnowledgeQuery().prompt(for: "my birthday gift") == "What is my birthday gift?")
        let custom = try KnowledgeQuery(template: "Tell me: {knowledge}. It is")
        #expect(custom.prompt(for: "my gift") == "Tell me: my gift. It is")
        #expect(throws: MoKusError.templateWithoutPlaceholder(template: "What is it?")) {
            try KnowledgeQuery(template: "What is it?")
        }
    }

    @Test("Qwen-Image's chat template wraps the question as the user turn and opens the assistant turn")
    func chatTemplate() throws {
        let prompt = try KnowledgeQuery(chatTemplate: .qwenImage).prompt(for: "my birthday gift")
        #expect(prompt.hasPrefix("<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, "))
        #expect(prompt.hasSuffix("background:<|im_end|>\n<|im_start|>user\nWhat is my birthday gift?<|im_end|>\n"
                                 + "<|im_start|>assistant\n"))
        // The fixture's tokenizer reads the markers as single special tokens.
        let encoder = try TextEncoderLoader.load(directory: KnowledgeUpdateTests.fixture)
        let start = try encoder.tokenize("<|im_start|>"), end = try encoder.tokenize("<|im_end|>")
        #expect(start.count == 1 && end.count == 1)
        let ids = try encoder.tokenize(prompt)
        #expect(ids.filter { $0 == start[0] }.count == 3 && ids.filter { $0 == end[0] }.count == 2)
    }

    @Test("the target is the anchor with exactly one leading space", arguments: ["sks dog", " sks dog", "  sks dog "])
    func leadingSpace(_ anchor: String) {
        #expect(KnowledgeQuery.target(anchor: anchor) == " sks dog")
    }
}
