import Foundation
import TestSupport
import Testing
import TextEncoders
import Tokenizers

/// Where the loader finds the tokenizer: the checkpoint directory, else the sibling `tokenizer/`
/// folder of a diffusers pipeline (`text_encoder/` beside `tokenizer/`, as Qwen-Image ships it).
@Suite("Tokenizer location")
struct TokenizerLocationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/qwen2")

    @Test("a text_encoder/ folder without tokenizer files uses the pipeline's tokenizer/ folder")
    func pipelineLayout() throws {
        let pipeline = try TemporaryDirectory(label: "pipeline")
        let (encoderFolder, tokenizerFolder) = (pipeline.file("text_encoder"), pipeline.file("tokenizer"))
        for folder in [encoderFolder, tokenizerFolder] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixture.path(percentEncoded: false)) {
            let target = (name.hasPrefix("tokenizer") ? tokenizerFolder : encoderFolder).appending(path: name)
            try FileManager.default.copyItem(at: Self.fixture.appending(path: name), to: target)
        }
        let text = "<|im_start|>user\nA red apple on a wooden table.<|im_end|>\n"
        let moved = try TextEncoderLoader.load(directory: encoderFolder)
        let original = try TextEncoderLoader.load(directory: Self.fixture)
        #expect(try moved.tokenize(text) == original.tokenize(text))

        try FileManager.default.removeItem(at: tokenizerFolder)
        #expect(throws: TokenizerError.fileNotFound(file: encoderFolder.appending(path: "tokenizer.json").path)) {
            try TextEncoderLoader.load(directory: encoderFolder)
        }
    }
}
