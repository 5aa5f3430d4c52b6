import Foundation
import TestSupport
import Testing
import Tokenizers

/// The committed trained-BPE fixtures (see Fixtures/TRAINED_BPE.md): a corpus, the tokenizer our
/// trainer wrote for it, held-out texts and HF `tokenizers`' ids for them with that tokenizer.
enum TrainedBPEFixture {
    static let folder = QwenFixture.directory.appendingPathComponent("trained_bpe")
    static let tokenizerFolder = folder.appendingPathComponent("tokenizer")
    static let configuration = BPETrainer.Configuration(vocabularySize: 600, minimumPairFrequency: 2)

    struct Line: Decodable { let text: String }

    static func texts(_ name: String) throws -> [String] {
        try QwenFixture.jsonLines("trained_bpe/\(name)", as: Line.self).map(\.text)
    }

    static let trained = Result { try BPETrainer(configuration: configuration).train(texts: texts("corpus.jsonl")) }
}

@Suite("A trained tokenizer matches the committed files and HF's encoding")
struct TrainedBPEParityTests {
    /// With `MOKUS_RECORD_FIXTURES=1` the trained files are written into the fixture folder instead
    /// of compared (step 2 of make_trained_bpe_fixture.py's instructions).
    @Test("Training the fixture corpus writes the committed tokenizer.json and tokenizer_config.json, byte for byte")
    func filesAreByteIdentical() throws {
        let trained = try TrainedBPEFixture.trained.get()
        if ProcessInfo.processInfo.environment["MOKUS_RECORD_FIXTURES"] == "1" {
            try trained.write(to: TrainedBPEFixture.tokenizerFolder)
        }
        let written = try TemporaryDirectory(label: "trained-bpe")
        try trained.write(to: written.url)
        for name in [TrainedBPE.fileNames.tokenizer, TrainedBPE.fileNames.config] {
            let ours = try Data(contentsOf: written.url.appendingPathComponent(name))
            let committed = try Data(contentsOf: TrainedBPEFixture.tokenizerFolder.appendingPathComponent(name))
            #expect(ours == committed, "\(name) differs from the committed fixture (\(ours.count) vs \(committed.count) bytes)")
        }
        #expect(trained.vocabularySize == 600)
    }

    @Test("The committed tokenizer encodes the held-out texts to HF tokenizers' ids")
    func heldOutParity() throws {
        let tokenizer = try BPETokenizer(contentsOf: TrainedBPEFixture.tokenizerFolder)
        let texts = try TrainedBPEFixture.texts("heldout.jsonl")
        let expected = try QwenFixture.jsonLines("trained_bpe/heldout_expected_ids.jsonl", as: [Int].self)
        try #require(texts.count == expected.count)
        for (text, ids) in zip(texts, expected) {
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
        }
        // The trained result's own tokenizer is the same tokenizer.
        let direct = try TrainedBPEFixture.trained.get().tokenizer()
        for text in texts { #expect(direct.encode(text) == tokenizer.encode(text)) }
    }
}
