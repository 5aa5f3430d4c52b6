@testable import AlphaEdit
import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import Testing
import TextEncoders

/// The projector cache, the key cache's validation, and AlphaEdit's other typed errors. Every
/// error here is thrown before the target optimisation and leaves weights and state as they were.
@Suite("AlphaEdit: edit state and broken inputs")
struct AlphaEditStateTests {
    @Test("a projector is reused for the same model, module, threshold and statistics, and only then")
    func projectorCacheKey() throws {
        let encoder = try Fixture.encoder()
        let c = try Fixture.fullRankSecondMoment(encoder)
        let other = Fixture.secondMoment(of: try Fixture.preservedKeys(encoder, sequences: 16, length: 24, seed: 12))
        let state = EditState(modelFingerprint: "model-a")
        let fresh = try NullSpaceProjector(secondMoment: c, threshold: 0.1)
        let stand = try NullSpaceProjector(secondMoment: other, threshold: 0.1)   // same shape, another subspace
        #expect(fresh != stand && fresh.dimension == stand.dimension)

        // Whatever model-a's entry holds is what model-a gets back, without recomputing.
        let key = NullSpaceProjector.cacheKey(fingerprint: "model-a", module: Fixture.module, threshold: 0.1,
                                              secondMoment: c)
        _ = state.cached(key) { stand }
        let cached = { (fingerprint: String) in
            try NullSpaceProjector.cached(for: Fixture.module, fingerprint: fingerprint, secondMoment: c,
                                          threshold: 0.1, state: state)
        }
        #expect(try cached("model-a") == stand)
        // Another model's fingerprint never reuses it: its projector is computed from C.
        #expect(try cached("model-b") == fresh)
        // Other statistics, threshold or module: other keys.
        let keys = [(Fixture.module, 0.1, other), (Fixture.module, 0.2, c), ("model.layers.1.mlp.down_proj", 0.1, c)]
            .map { NullSpaceProjector.cacheKey(fingerprint: "model-a", module: $0, threshold: $1, secondMoment: $2) }
        #expect(Set(keys + [key]).count == 4)
    }

    @Test("a cached projector of the wrong shape is refused with a typed error")
    func projectorShapeMismatch() throws {
        let encoder = try Fixture.encoder()
        let c = try Fixture.fullRankSecondMoment(encoder)
        let h = try Fixture.hyperparameters()
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let key = NullSpaceProjector.cacheKey(fingerprint: encoder.fingerprint, module: Fixture.module,
                                              threshold: h.nullspaceThreshold, secondMoment: c)
        let small = try NullSpaceProjector(secondMoment: Tensor.zeros([8, 8]), threshold: h.nullspaceThreshold)
        _ = state.cached(key) { small }
        try expectUnchanged(encoder, state: state,
                            error: .projectorShapeMismatch(module: Fixture.module, expected: 128, found: 8)) {
            try AlphaEditEditor(h, secondMoment: { _ in c }).edit(Fixture.requests, encoder: encoder, state: state)
        }
    }

    @Test("statistics that do not fit the module are a typed error", arguments: [[64, 64], [128, 64], [128]])
    func statisticsShapeMismatch(shape: [Int]) throws {
        let encoder = try Fixture.encoder()
        let h = try Fixture.hyperparameters()
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let statistics = Tensor.zeros(shape)
        try expectUnchanged(encoder, state: state, error: .statisticsShapeMismatch(
            module: Fixture.module, statisticsShape: shape, weightShape: [64, 128], modelWidth: 64)) {
            try AlphaEditEditor(h, secondMoment: { _ in statistics }).edit(
                Fixture.requests, encoder: encoder, state: state)
        }
    }

    @Test("a saved key cache of the wrong shape is a typed error naming the state tensor")
    func keyCacheShapeMismatch() throws {
        let encoder = try Fixture.encoder()
        let c = try Fixture.fullRankSecondMoment(encoder)
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let name = AlphaEditEditor.keyCacheName(module: Fixture.module)
        state.tensors[name] = Tensor.zeros([96, 96])
        try expectUnchanged(encoder, state: state,
                            error: .keyCacheShapeMismatch(name: name, expected: [128, 128], found: [96, 96])) {
            try AlphaEditEditor(try Fixture.hyperparameters(), secondMoment: { _ in c }).edit(
                Fixture.requests, encoder: encoder, state: state)
        }
        #expect(state.tensors[name]?.shape == [96, 96])
    }

    @Test("a threshold below every eigenvalue of C is a typed error, not a silent zero update")
    func emptyNullSpace() throws {
        let encoder = try Fixture.encoder()
        let c = try Fixture.fullRankSecondMoment(encoder)
        var h = try Fixture.hyperparameters()
        h.nullspaceThreshold = 1e-3
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let smallest = try NullSpaceProjector(secondMoment: c, threshold: 1e-3).eigenvalues.map(abs).min()!
        #expect(smallest > 1e-3)
        let error = AlphaEditError.emptyNullSpace(module: Fixture.module, threshold: 1e-3, smallestEigenvalue: smallest)
        try expectUnchanged(encoder, state: state, error: error) {
            try AlphaEditEditor(h, secondMoment: { _ in c }).edit(Fixture.requests, encoder: encoder, state: state)
        }
    }

    /// Runs `body`, expecting `error`, and checks that the weight has no replacement afterwards and
    /// that no key cache was written.
    func expectUnchanged(_ encoder: any TextEncoder, state: EditState, error: AlphaEditError,
                         _ body: () throws -> EditResult) throws {
        let before = state.tensors.keys.sorted()
        #expect(throws: error) { _ = try body() }
        #expect(!encoder.hasReplacement(Fixture.parameter))
        #expect(state.tensors.keys.sorted() == before)
    }
}
