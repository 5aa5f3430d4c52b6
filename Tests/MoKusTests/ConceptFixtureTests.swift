import Foundation
import Generators
import Imaging
import MoKus
import Tensors
import Testing

/// Our concept images and LoRA files against Pillow and diffusers (make_concept_fixtures.py).
@Suite("Concept fixtures: Pillow and diffusers")
struct ConceptFixtureTests {
    static let names = ["a.png", "b.jpg", "c.png", "d.jpeg"]

    static func key(_ name: String) -> String { name.replacingOccurrences(of: ".", with: "_") }

    @Test("PNG and JPEG decode to Pillow's pixels exactly", arguments: names)
    func decode(_ name: String) throws {
        let image = try ImageFile.read(contentsOf: ConceptFixture.images.appending(path: name))
        let expected = try #require(try ConceptFixture.tensors("images_reference.safetensors")["decoded_\(Self.key(name))"])
        #expect([image.height, image.width, 3] == expected.shape)
        #expect(image.pixels.map(Float.init) == expected.scalars)
    }

    @Test("resize-to-fill and centre crop match torchvision's Resize + CenterCrop on Pillow within one level",
          arguments: names)
    func resize(_ name: String) throws {
        let image = try ImageFile.read(contentsOf: ConceptFixture.images.appending(path: name))
            .resizedToFill(width: ConceptFixture.size, height: ConceptFixture.size)
        let expected = try #require(try ConceptFixture.tensors("images_reference.safetensors")["resized_\(Self.key(name))"])
        #expect(expected.shape == [16, 16, 3])
        let worst = zip(image.pixels, expected.scalars).map { abs(Float($0) - $1) }.max() ?? 255
        #expect(worst <= 1)
    }

    @Test("ConceptImages: every file, sorted, as [N, 3, 16, 16] in [−1, 1]")
    func conceptImages() throws {
        let batch = try ConceptImages.read(folder: ConceptFixture.images, width: 16, height: 16)
        #expect(batch.shape == [4, 3, 16, 16])
        let second = try ImageFile.read(contentsOf: ConceptFixture.images.appending(path: "b.jpg")).resizedToFill(width: 16, height: 16)
        let expected = second.tensor(range: .minusOneToOne).scalars
        #expect(batch.slice(axis: 0, 1..<2).scalars == expected)
    }

    @Test("our LoRA file, loaded by diffusers' load_lora_weights, gives our transformer output")
    func loraParity() throws {
        let reference = try ConceptFixture.tensors("lora_reference.safetensors")
        let transformer = try QwenImageTransformer(directory: ConceptFixture.pipeline.appending(path: "transformer"))
        func velocity() throws -> Tensor {
            try transformer.velocity(
                latents: reference["hidden_states"]!, imageShapes: [PackedImageShape(height: 2, width: 2)],
                text: reference["encoder_hidden_states"]!, textMask: reference["encoder_hidden_states_mask"]!,
                timestep: reference["timestep"]!)
        }
        func relativeError(_ value: Tensor, _ expected: Tensor) -> Float {
            zip(value.scalars, expected.scalars).map { abs($0 - $1) }.max()! / expected.scalars.map(abs).max()!
        }
        let base = try velocity()
        try transformer.loadLoRA(from: ConceptFixture.folder.appending(path: "lora.safetensors"))
        let adapted = try velocity()
        #expect(relativeError(base, reference["output_base"]!) < 1e-5)
        #expect(relativeError(adapted, reference["output_lora"]!) < 1e-5)
        // The LoRA matters: the two references are far apart compared with the tolerance.
        #expect(relativeError(reference["output_base"]!, reference["output_lora"]!) > 0.1)
    }
}

/// JPEG input that libjpeg-turbo cannot decode whole.
@Suite("JPEG errors")
struct JPEGErrorTests {
    @Test("a truncated or damaged JPEG is corruptedJPEG naming the file; an empty one emptyInput")
    func truncated() throws {
        let bytes = [UInt8](try Data(contentsOf: ConceptFixture.images.appending(path: "b.jpg")))
        let source = "truncated.jpg"
        for cut in [bytes.count / 2, 40] {
            do {
                _ = try JPEGCodec.decode(Array(bytes.prefix(cut)), source: source)
                Issue.record("a JPEG cut at \(cut) of \(bytes.count) bytes decoded")
            } catch let error as ImagingError {
                guard case .corruptedJPEG(let named, _) = error else { throw error }
                #expect(named == source)
            }
        }
        #expect(throws: ImagingError.emptyInput(source: source)) { try JPEGCodec.decode([], source: source) }
    }
}
