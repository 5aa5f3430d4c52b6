import Foundation
import ModelInterfaces
import Tensors
import Testing
import TestSupport
@testable import TextEncoders

/// The Qwen2 forward pass on a device backend (``FakeBackend``: the CPU ops behind the backend
/// protocol): once a backend is current, the pass moves its activations there, every op of the
/// forward runs on it, and logits, hidden states, captures and gradients equal the CPU's bit for bit.
@Suite("Qwen2 forward on a device backend")
struct DeviceForwardTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")

    static func hooks(_ encoder: TransformerTextEncoder) -> ForwardHooks {
        var hooks = ForwardHooks()
        hooks.hiddenStates = Set(0...encoder.info.layerCount)
        hooks.finalHiddenState = true
        hooks.capture("model.layers.0.mlp.down_proj", .output, at: [0, 3])
        return hooks
    }

    @Test("logits, hidden states and captures equal the CPU pass bit for bit", arguments: ["qwen2", "qwen2-bf16"])
    func forward(model: String) throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixtures.appending(path: model))
        let batch = TokenBatch([[5, 9, 2, 7, 1], [3, 3, 8]], padding: .left, padID: 0)
        let cpu = try encoder.forward(batch, hooks: Self.hooks(encoder))
        let fake = FakeBackend()
        let device = try Backend.withCurrent(fake) { try encoder.forward(batch, hooks: Self.hooks(encoder)) }
        #expect(try device.logits.isOnDevice)
        #expect(try device.logits.scalars == cpu.logits.scalars)
        #expect(try device.finalHiddenState.scalars == cpu.finalHiddenState.scalars)
        for i in 0...encoder.info.layerCount { #expect(device.hiddenStates[i]?.scalars == cpu.hiddenStates[i]?.scalars, "hidden state \(i)") }
        let point = ModulePoint("model.layers.0.mlp.down_proj", .output)
        #expect(device.captures[point]?.scalars == cpu.captures[point]?.scalars)
        let calls = Set(fake.calls)
        for op in ["rmsNorm", model == "qwen2" ? "gemm" : "gemmStored", "add", "permute", "rotary", "attention", "silu", "multiply", "gatherRows"] {
            #expect(calls.contains(op), "\(op) did not run on the device")
        }
    }

    @Test("the gradient of a loss with respect to an injected delta equals the CPU's bit for bit", arguments: ["qwen2", "qwen2-bf16"])
    func deltaGradient(model: String) throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixtures.appending(path: model))
        let batch = TokenBatch([[5, 9, 2, 7]])
        func gradient() throws -> [Float] {
            let tape = Tape()
            let delta = tape.variable(Tensor.zeros([1, encoder.info.hiddenSize]))
            var hooks = ForwardHooks()
            hooks.addDelta("model.layers.0.mlp.down_proj", at: [2], delta)
            let loss = try encoder.forward(batch, hooks: hooks).logits.logSoftmax().sum()
            return tape.gradients(of: loss, withRespectTo: [delta])[0].scalars
        }
        let fake = FakeBackend()
        #expect(try gradient() == Backend.withCurrent(fake) { try gradient() })
        #expect(fake.calls.contains("gemm") || fake.calls.contains("gemmStored"))
    }
}
