import Foundation
import Generators
import Imaging
import MoKus
import Tensors
import TestSupport
import Testing
import Training

/// `ConceptLearning` on the tiny generator fixture: resume, prior preservation, typed errors.
@Suite("MoKus concept learning")
struct ConceptLearningTests {
    @Test("an interrupted run resumes from its checkpoint and ends bit-identical to an uninterrupted one")
    func resume() throws {
        let straight = try ConceptFixture.learn()
        #expect(straight.step == 6 && straight.resumedFrom == 0 && straight.losses.count == 6)
        let folder = try TemporaryDirectory(label: "concept-resume")
        let interrupted = try ConceptFixture.learn(checkpoints: folder.url, stopAfter: 3)
        #expect(interrupted.step == 3)
        let resumed = try ConceptFixture.learn(checkpoints: folder.url)
        #expect(resumed.resumedFrom == 2 && resumed.step == 6)
        #expect(resumed.adapters.parameters.map(\.scalars) == straight.adapters.parameters.map(\.scalars))
        #expect(resumed.losses == Array(straight.losses.suffix(4)))
        // The adapters moved away from the identity (B starts at 0).
        #expect(straight.adapters.parameters[1].scalars.contains { $0 != 0 })
    }

    @Test("resuming with another rank is refused naming the checkpoint")
    func resumeMismatch() throws {
        let folder = try TemporaryDirectory(label: "concept-mismatch")
        _ = try ConceptFixture.learn(checkpoints: folder.url, stopAfter: 2)
        var other = ConceptFixture.settings()
        other.rank = 2
        do {
            _ = try ConceptFixture.learn(other, checkpoints: folder.url)
            Issue.record("a rank-2 run resumed a rank-4 checkpoint")
        } catch let error as TrainingError {
            guard case .checkpointMismatch(let file, _, _) = error else { throw error }
            #expect(file.contains("checkpoint-00000002"))
        }
    }

    @Test("prior preservation draws the class images with the base generator and adds their loss")
    func priorPreservation() throws {
        var settings = ConceptFixture.settings(steps: 2)
        settings.classPrompt = "dog"
        settings.classImageCount = 2
        let result = try ConceptFixture.learn(settings)
        #expect(result.classImages == 2 && result.instanceImages == 4)
        let plain = try ConceptFixture.learn(ConceptFixture.settings(steps: 2))
        #expect(result.losses[0] > plain.losses[0])
    }

    @Test("a missing or empty image folder, or a file that is no image, is a typed error naming it")
    func badFolders() throws {
        let folder = try TemporaryDirectory(label: "concept-images")
        #expect(throws: MoKusError.emptyImageFolder(folder: folder.url.path(percentEncoded: false), reason: "the folder holds no file")) {
            try ConceptImages.read(folder: folder.url, width: 16, height: 16)
        }
        let missing = folder.file("none")
        #expect(throws: MoKusError.emptyImageFolder(folder: missing.path(percentEncoded: false), reason: "no such folder")) {
            try ConceptImages.read(folder: missing, width: 16, height: 16)
        }
        try FileManager.default.copyItem(at: ConceptFixture.images.appending(path: "a.png"), to: folder.file("a.png"))
        let notes = try folder.write("my dog", to: "notes.png")
        do {
            _ = try ConceptImages.read(folder: folder.url, width: 16, height: 16)
            Issue.record("a text file was read as an image")
        } catch let error as MoKusError {
            #expect("\(error)".hasPrefix(notes.path(percentEncoded: false) + ": not a usable concept image"))
            #expect("\(error)".contains("not a PNG or JPEG"))
        }
        let broken = try folder.write(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), to: "notes.png")
        #expect(throws: MoKusError.self) { try ConceptImages.read(folder: folder.url, width: 16, height: 16) }
        try FileManager.default.removeItem(at: broken)
    }

    @Test("a LoRA of another generator does not load: invalidLoRA naming the file and tensor")
    func loraForAnotherGenerator() throws {
        let world = try QwenImageTransformer(directory: ConceptFixture.worldTransformer)
        let file = ConceptFixture.folder.appending(path: "lora.safetensors")
        do {
            try world.loadLoRA(from: file)
            Issue.record("the fixture generator's LoRA loaded onto the world's transformer")
        } catch let error as GeneratorError {
            guard case .invalidLoRA(let path, let key, _) = error else { throw error }
            #expect(path == file.path(percentEncoded: false))
            #expect(key.hasPrefix("transformer.transformer_blocks."))
        }
    }
}
