import Foundation
import ModelInterfaces
import Tensors
import Testing
import TestSupport
@testable import TextEncoders

@Suite("Forward hooks, padding and parameters on tiny random models")
struct HookTests {
    enum Architecture: String, CaseIterable, Sendable {
        case qwen2, qwen2Tied, gpt2
        var config: [String: Any] {
            switch self {
            case .qwen2: TinyCheckpoint.qwen2Config()
            case .qwen2Tied: TinyCheckpoint.qwen2Config(tied: true)
            case .gpt2: TinyCheckpoint.gpt2Config()
            }
        }
    }

    func withModel<R>(_ config: [String: Any], _ body: (TransformerTextEncoder) throws -> R) throws -> R {
        let directory = try TemporaryDirectory(label: "mokus-textencoders")
        return try body(try TinyCheckpoint.load(try TinyCheckpoint.write(config: config, to: directory.url)))
    }

    func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("a sequence's logits do not depend on batching or padding side (RoPE models)")
    func paddingInvariance() throws {
        try withModel(TinyCheckpoint.qwen2Config()) { encoder in
            let short = [3, 7, 1], long = [5, 2, 9, 4, 11, 6]
            let alone = try encoder.forward(TokenBatch([short])).logits
            for padding in TokenBatch.Padding.allCases {
                let batch = TokenBatch([long, short], padding: padding)
                let logits = try encoder.forward(batch).logits.reshaped([-1, TinyCheckpoint.vocabulary])
                for t in 0..<short.count {
                    let row = logits.slice(axis: 0, batch.row(1, t)..<(batch.row(1, t) + 1))
                    #expect(maxDifference(row, alone.reshaped([-1, TinyCheckpoint.vocabulary]).slice(axis: 0, t..<(t + 1))) < 1e-5)
                }
            }
        }
    }

    @Test("captures return module inputs and outputs at the requested rows", arguments: Architecture.allCases)
    func captures(architecture: Architecture) throws {
        try withModel(architecture.config) { encoder in
            let module = encoder.info.layerModuleTemplate.replacingOccurrences(of: "{}", with: "1")
            let batch = TokenBatch([[1, 2, 3], [4, 5]], padding: .left)
            var hooks = ForwardHooks()
            hooks.capture(module, .input, at: [batch.lastTokenRow(0), batch.lastTokenRow(1)])
            hooks.capture(module, .output)
            hooks.hiddenStates = [1, 2]
            let out = try encoder.forward(batch, hooks: hooks)
            let input = try #require(out.captures[ModulePoint(module, .input)])
            let output = try #require(out.captures[ModulePoint(module, .output)])
            #expect(input.shape == [2, 16])
            #expect(output.shape == [6, 16])
            // Block 1's input is hidden state 1; its output is hidden state 2.
            let h1 = out.hiddenStates[1]!.reshaped([-1, 16])
            #expect(input.scalars == h1.indexSelect(axis: 0, [batch.lastTokenRow(0), batch.lastTokenRow(1)]).scalars)
            #expect(output.scalars == out.hiddenStates[2]!.reshaped([-1, 16]).scalars)
        }
    }

    @Test("stopAfter ends the pass: no logits, captures so far", arguments: Architecture.allCases)
    func stopAfter(architecture: Architecture) throws {
        try withModel(architecture.config) { encoder in
            let module = encoder.info.layerModuleTemplate.replacingOccurrences(of: "{}", with: "0")
            var hooks = ForwardHooks()
            hooks.stopAfter = module
            let blockOutput = hooks.capture(module, .output)
            let out = try encoder.forward(TokenBatch([[1, 2, 3]]), hooks: hooks)
            #expect(out.stoppedEarly && out.captures.count == 1)
            #expect(try out[blockOutput].shape == [3, 16])
            #expect(throws: TextEncoderError.notComputed(output: "logits", reason: "the pass stopped early (stopAfter)")) {
                try out.logits
            }
            #expect(throws: TextEncoderError.self) { try out.hiddenState(1) }
        }
    }

    @Test("a delta at a module output equals the same change made by hand, and is differentiable")
    func deltas() throws {
        try withModel(TinyCheckpoint.qwen2Config()) { encoder in
            let module = "model.layers.0.mlp.down_proj"
            let batch = TokenBatch([[1, 2, 3, 4]])
            var rng = RandomGenerator(seed: 3)
            let delta = rng.normal([1, 16], standardDeviation: 0.5)
            var hooks = ForwardHooks()
            hooks.addDelta(module, at: [batch.row(0, 2)], delta)
            let edited = try encoder.forward(batch, hooks: hooks).logits
            let plain = try encoder.forward(batch).logits
            #expect(maxDifference(edited, plain) > 1e-3)
            // Positions before the edited token are unaffected (causal attention).
            #expect(maxDifference(edited.slice(axis: 1, 0..<2), plain.slice(axis: 1, 0..<2)) == 0)
            // Gradient of a loss with respect to the injected delta: finite differences agree.
            let report = GradientCheck.check([delta], step: 1e-2) { inputs in
                var h = ForwardHooks()
                h.addDelta(module, at: [batch.row(0, 2)], inputs[0])
                return try! encoder.forward(batch, hooks: h).logits.slice(axis: 1, 3..<4).logSoftmax()
            }
            #expect(report.maxRelativeError < 1e-2, "\(report)")
        }
    }

    @Test("resuming at a block from its recorded input reproduces the full pass", arguments: Architecture.allCases)
    func resume(architecture: Architecture) throws {
        try withModel(architecture.config) { encoder in
            let batch = TokenBatch([[1, 2, 3, 4], [5, 6]], padding: .right)
            var hooks = ForwardHooks()
            hooks.hiddenStates = [1]
            let full = try encoder.forward(batch, hooks: hooks)
            var resumed = ForwardHooks()
            resumed.resume = (1, full.hiddenStates[1]!)
            #expect(try encoder.forward(batch, hooks: resumed).logits.scalars == (try full.logits.scalars))
            resumed.resume = (1, Tensor.zeros([1, 1, 16]))
            #expect(throws: TextEncoderError.self) { try encoder.forward(batch, hooks: resumed) }
        }
    }

    @Test("logits at chosen rows equal those rows of the full logits", arguments: Architecture.allCases)
    func logitRows(architecture: Architecture) throws {
        try withModel(architecture.config) { encoder in
            let batch = TokenBatch([[1, 2, 3, 4], [5, 6]], padding: .left)
            let full = try encoder.forward(batch).logits.reshaped([-1, TinyCheckpoint.vocabulary])
            var hooks = ForwardHooks()
            hooks.logitRows = [batch.lastTokenRow(1), batch.row(0, 1)]
            let selected = try encoder.forward(batch, hooks: hooks).logits
            #expect(selected.shape == [2, TinyCheckpoint.vocabulary])
            #expect(maxDifference(selected, full.indexSelect(axis: 0, hooks.logitRows!)) <= 1e-5)
        }
    }

    @Test("parameters are replaced, read back and restored")
    func parameterReplacement() throws {
        try withModel(TinyCheckpoint.qwen2Config()) { encoder in
            let name = "model.layers.1.mlp.down_proj.weight"
            let base = try encoder.parameter(name)
            let batch = TokenBatch([[1, 2, 3]])
            let before = try encoder.forward(batch).logits
            try encoder.addToParameter(name, Tensor(repeating: 0.05, shape: base.shape))
            #expect(maxDifference(try encoder.parameter(name), base + 0.05) == 0)
            #expect(maxDifference(try encoder.forward(batch).logits, before) > 1e-4)
            try encoder.setParameter(name, nil)
            #expect(try encoder.forward(batch).logits.scalars == before.scalars)
            #expect(throws: TextEncoderError.tensorShapeMismatch(name: name, expected: base.shape, found: [2])) {
                try encoder.setParameter(name, Tensor.zeros([2]))
            }
        }
    }

    @Test("bf16 weights multiplied in row blocks give the single product's logits")
    func blockedProduct() throws {
        let folder = try TemporaryDirectory(label: "mokus-textencoders")
        let encoder = try TinyCheckpoint.load(
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: folder.url, dtype: .bfloat16))
        let batch = TokenBatch([[1, 2, 3, 4, 5]])
        let whole = try encoder.forward(batch).logits
        encoder.weights.blockElements = 7 * 16   // 7 rows of 16 per block: the LM head's 40 rows → 6 blocks
        let blocked = try encoder.forward(batch).logits
        #expect(maxDifference(whole, blocked) <= 1e-6 * max(1, whole.scalars.map(abs).max()!))
    }

    @Test("hooks naming unknown modules or rows outside the batch fail before compute")
    func badHooks() throws {
        try withModel(TinyCheckpoint.qwen2Config()) { encoder in
            var hooks = ForwardHooks()
            hooks.capture("model.layers.7.mlp", .output)
            #expect(throws: TextEncoderError.self) { try encoder.forward(TokenBatch([[1]]), hooks: hooks) }
            hooks = ForwardHooks()
            hooks.addDelta("model.layers.0.mlp", at: [5], Tensor.zeros([1, 16]))
            #expect(throws: TextEncoderError.invalidHook(module: "model.layers.0.mlp", reason: "row 5 outside the batch's 2 token rows")) {
                try encoder.forward(TokenBatch([[1, 2]]), hooks: hooks)
            }
            #expect(throws: TextEncoderError.tokenOutOfRange(id: 99, vocabularySize: TinyCheckpoint.vocabulary)) {
                try encoder.forward(TokenBatch([[1, 99]]))
            }
        }
    }
}
