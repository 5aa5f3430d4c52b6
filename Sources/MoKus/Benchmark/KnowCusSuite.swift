import Foundation
import Tensors

/// What a KnowCusBench-style benchmark runs on: concepts, each with its images, its knowledge
/// statements and its prompts (reference A.2, A.8). Built from a world (`mokus bench knowcus
/// --world`) or read from the published layout (``KnowCusDataFolder``, `--data`).
public struct KnowCusSuite {
    /// A name for reports ("world", or the data folder's name).
    public var name: String
    public var concepts: [KnowCusConcept]

    public init(name: String, concepts: [KnowCusConcept]) {
        self.name = name
        self.concepts = concepts
    }

    /// Checks that every concept can run: images `[M, 3, H, W]`, masks (when given) `[M, 1, H, W]`,
    /// at least one statement and one prompt, every prompt with `{}`.
    ///
    /// - Throws: ``MoKusError/invalidSuite(field:expected:found:)`` naming the first bad field.
    public func validate() throws {
        guard !concepts.isEmpty else { throw MoKusError.invalidSuite(field: "concepts", expected: "at least one", found: "none") }
        for (c, concept) in concepts.enumerated() {
            let shape = concept.images.shape
            guard shape.count == 4, shape[0] >= 1, shape[1] == 3 else {
                throw MoKusError.invalidSuite(field: "concepts[\(c)].images", expected: "[M, 3, H, W]", found: "\(shape)")
            }
            if let masks = concept.masks, masks.shape != [shape[0], 1, shape[2], shape[3]] {
                throw MoKusError.invalidSuite(
                    field: "concepts[\(c)].masks", expected: "\([shape[0], 1, shape[2], shape[3]])", found: "\(masks.shape)")
            }
            guard !concept.knowledge.isEmpty else {
                throw MoKusError.invalidSuite(field: "concepts[\(c)].knowledge", expected: "at least one statement", found: "none")
            }
            guard !concept.prompts.isEmpty else {
                throw MoKusError.invalidSuite(field: "concepts[\(c)].prompts", expected: "at least one prompt", found: "none")
            }
            if let bad = concept.prompts.first(where: { !$0.template.contains("{}") }) {
                throw MoKusError.invalidSuite(
                    field: "concepts[\(c)].prompts", expected: "templates with '{}' for the phrase", found: "'\(bad.template)'")
            }
        }
    }
}

/// One concept: its images, the anchor they are learnt as, what the user knows about it, and the
/// prompts its phrases are drawn in.
public struct KnowCusConcept {
    /// A description for reports ("a large green dotted heart").
    public var name: String
    /// The rare-token anchor ("sks heart").
    public var anchor: String
    /// `[M, 3, H, W]` in [0, 1] at the generator's size.
    public var images: Tensor
    /// `[M, 1, H, W]`, 1 on the object (the world's exact render masks); nil: segmented like
    /// generated images (``KnowCusScorer/segment(_:)``).
    public var masks: Tensor?
    public var knowledge: [KnowCusStatement]
    public var prompts: [KnowCusPrompt]
    /// A stage-1 LoRA file (diffusers/PEFT) that replaces learning the anchor LoRA; nil: learnt.
    public var visualCheckpoint: URL?
    /// What the data files held that the reader does not use: key path → JSON text (kept for the report).
    public var unknownKeys: [String: String]

    public init(
        name: String, anchor: String, images: Tensor, masks: Tensor?, knowledge: [KnowCusStatement], prompts: [KnowCusPrompt],
        visualCheckpoint: URL? = nil, unknownKeys: [String: String] = [:]
    ) {
        (self.name, self.anchor, self.images, self.masks) = (name, anchor, images, masks)
        (self.knowledge, self.prompts, self.visualCheckpoint, self.unknownKeys) = (knowledge, prompts, visualCheckpoint, unknownKeys)
    }
}

/// A knowledge statement ("my lucky charm") and the perspective it takes (one of MoKus's six).
public struct KnowCusStatement: Codable, Sendable, Equatable {
    public var text: String
    public var perspective: String?

    public init(text: String, perspective: String?) {
        self.text = text
        self.perspective = perspective
    }
}

/// The paper's prompt kinds: reconstruction (the phrase alone) and the four generation edits.
public enum KnowCusPromptKind: String, Codable, Sendable, CaseIterable {
    case reconstruction, background, newObject = "new-object", style, attribute
}

/// A prompt: `{}` stands for the phrase (the anchor or a statement).
public struct KnowCusPrompt: Codable, Sendable, Equatable {
    public var kind: KnowCusPromptKind
    public var template: String
    /// Attribute → class the image should show (the concept's, with the prompt's change): the
    /// caption of the text-alignment score. Empty: no alignment (a suite without attribute labels).
    public var expected: [String: String]
    /// The attributes the prompt changes: an image counts for attribute accuracy when the evaluator
    /// predicts every one. Empty for reconstruction.
    public var requested: [String: String]

    public init(kind: KnowCusPromptKind, template: String, expected: [String: String], requested: [String: String]) {
        (self.kind, self.template, self.expected, self.requested) = (kind, template, expected, requested)
    }
}

extension KnowCusSuite {
    /// The first `concepts` concepts, each with its first `statements` statements and first `images`
    /// images (and masks); nil keeps all.
    public func limited(concepts: Int?, statements: Int?, images: Int?) -> KnowCusSuite {
        KnowCusSuite(name: name, concepts: self.concepts.prefix(concepts ?? self.concepts.count).map { concept in
            var concept = concept
            concept.knowledge = Array(concept.knowledge.prefix(statements ?? concept.knowledge.count))
            let count = min(images ?? concept.images.shape[0], concept.images.shape[0])
            concept.images = concept.images.slice(axis: 0, 0..<count)
            concept.masks = concept.masks?.slice(axis: 0, 0..<count)
            return concept
        })
    }
}
