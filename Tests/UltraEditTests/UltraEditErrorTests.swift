import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import Testing
import TextEncoders
@testable import UltraEdit

/// Broken inputs: typed errors before anything changes (weights, edit state).
@Suite("UltraEdit: broken inputs")
struct UltraEditErrorTests {
    /// Runs `body` expecting `error`, and checks that the encoder's weights and `state` are unchanged.
    func expectUnchanged<E: Error & Equatable>(
        _ encoder: any TextEncoder, state: EditState, error: E, _ body: () throws -> Void
    ) throws {
        let saved = state.tensors.mapValues(\.scalars)
        #expect(throws: error) { try body() }
        #expect(encoder.parameters.allSatisfy { !encoder.hasReplacement($0.name) })
        #expect(state.tensors.mapValues(\.scalars) == saved)
    }

    @Test("η ≤ 0 and an unknown token mode are rejected by the hparams, naming the key",
          arguments: [("lr: 1e-2", "lr: 0", "lr"), ("lr: 1e-2", "lr: -1", "lr"), ("token: ans", "token: all", "token")])
    func hyperparameters(original: String, replacement: String, key: String) throws {
        let url = Fixture.repository.appending(path: "hparams/UltraEdit/tiny-qwen2.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: replacement)
        let error = try #require(throws: HyperparameterError.self) {
            try HyperparameterFile(data: Data(broken.utf8), format: .yaml, path: "tiny.yaml")
                .decode(UltraEditHyperparameters.self)
        }
        guard case let .invalidValue(_, found, _, _, _) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(found == key)
    }

    @Test("a module the model does not have is a typed error before any computation")
    func unknownModule() throws {
        let encoder = try Fixture.encoder()
        var h = try Fixture.hyperparameters()
        h.innerParameters.append("model.layers.1.mlp.gate_prj")
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let error = try #require(throws: HyperparameterError.self) {
            try UltraEditEditor(h).check(Fixture.requests, encoder: encoder)
        }
        guard case let .moduleNotFound(key, _, _, module, nearest) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(key == "inner_params" && module == "model.layers.1.mlp.gate_prj")
        #expect(nearest.contains("model.layers.1.mlp.gate_proj"))
        try expectUnchanged(encoder, state: state, error: error) {
            _ = try UltraEditEditor(h).edit(Fixture.requests, encoder: encoder, state: state)
        }
    }

    @Test("a module without a weight matrix is a typed error", arguments: ["model.layers.0.mlp", "model.norm"])
    func notAWeightMatrix(module: String) throws {
        let encoder = try Fixture.encoder()
        var h = try Fixture.hyperparameters()
        h.innerParameters = [module]
        let shape = encoder.parameters.first { $0.name == module + ".weight" }?.shape
        try expectUnchanged(encoder, state: EditState(modelFingerprint: ""),
                            error: UltraEditError.missingWeight(parameter: module + ".weight", shape: shape)) {
            try UltraEditEditor(h).check(Fixture.requests, encoder: encoder)
        }
    }

    @Test("an empty target or prompt is a typed error naming the request", arguments: ["", "   "])
    func emptyTarget(target: String) throws {
        let encoder = try Fixture.encoder()
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let requests = [Fixture.requests[0], EditRequest(prompt: "Zürich is a city in", targetNew: target)]
        try expectUnchanged(encoder, state: state, error: EditRequestError.emptyTarget(request: 1)) {
            _ = try UltraEditEditor(try Fixture.hyperparameters()).edit(requests, encoder: encoder, state: state)
        }
        try expectUnchanged(encoder, state: state, error: UltraEditError.emptyPrompt(request: 0)) {
            try UltraEditEditor(try Fixture.hyperparameters()).check(
                [EditRequest(prompt: "", targetNew: "Japan")], encoder: encoder)
        }
    }

    @Test("a saved normaliser of the wrong shape is refused and left as it was")
    func normalizerShape() throws {
        let encoder = try Fixture.encoder()
        let state = EditState(modelFingerprint: encoder.fingerprint)
        let names = LifelongNormalizer.stateNames(keyWidth: 64, valueWidth: 128)
        state.tensors[names.count] = Tensor(shape: [2], scalars: [0, 3])
        state.tensors[names.mean] = Tensor.zeros([100])
        let error = UltraEditError.normalizerStateMismatch(name: names.mean, expected: [192], found: [100])
        try expectUnchanged(encoder, state: state, error: error) {
            _ = try UltraEditEditor(try Fixture.hyperparameters()).edit(
                [Fixture.requests[0]], encoder: encoder, state: state)
        }
    }
}
