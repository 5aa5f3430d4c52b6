import Foundation
import Tensors

/// Low-rank adapters over a model's frozen linear layers, keyed by diffusers module name
/// (`transformer_blocks.0.attn.to_q`): the base weights stay untouched, and the adapters can be
/// trained, saved, loaded and merged on their own (PEFT's LoRA as diffusers uses it,
/// `src/diffusers/loaders/peft.py`).
///
/// Training: ``tracked(on:)`` returns a copy whose factors are tape variables; run the forward
/// pass with it and ask the tape for the gradients of ``parameters``, which lists A then B of
/// every module in sorted module order (the order an ``Optimizer`` keeps):
///
/// ```swift
/// let tape = Tape()
/// transformer.lora = overlay.tracked(on: tape)
/// let loss = (try transformer.velocity(...) - target).squared().mean()
/// let gradients = tape.gradients(of: loss, withRespectTo: transformer.lora!.parameters)
/// optimizer.step(parameters: &values, gradients: gradients); overlay.setParameters(values)
/// ```
public struct LoRAOverlay: Sendable {
    /// Module name → adapter.
    public private(set) var adapters: [String: LoRAAdapter]

    public init(adapters: [String: LoRAAdapter]) {
        self.adapters = adapters
    }

    /// Fresh adapters on `modules` as the diffusers DreamBooth-LoRA script creates them (PEFT
    /// `init_lora_weights="gaussian"`): A ~ N(0, 1/r²) elementwise, B = 0, so the overlay starts
    /// as the identity.
    public init(modules: [String: LinearShape], rank: Int, alpha: Float, seed: UInt64) {
        precondition(rank > 0, "LoRAOverlay: rank must be positive, got \(rank)")
        var random = RandomGenerator(seed: seed)
        var adapters: [String: LoRAAdapter] = [:]
        for name in modules.keys.sorted() {
            guard let shape = modules[name] else { continue }
            adapters[name] = LoRAAdapter(
                down: random.normal([rank, shape.inputs], standardDeviation: 1 / Float(rank)),
                up: .zeros([shape.outputs, rank]), alpha: alpha)
        }
        self.adapters = adapters
    }

    /// The adapted modules, sorted.
    public var moduleNames: [String] { adapters.keys.sorted() }

    /// `{module}.lora_A.weight`, `{module}.lora_B.weight` for every module in sorted order.
    public var parameterNames: [String] {
        moduleNames.flatMap { ["\($0).lora_A.weight", "\($0).lora_B.weight"] }
    }

    /// The factors in ``parameterNames`` order.
    public var parameters: [Tensor] {
        moduleNames.flatMap { name in adapters[name].map { [$0.down, $0.up] } ?? [] }
    }

    /// Replaces the factors with `values` (in ``parameters`` order, same shapes).
    public mutating func setParameters(_ values: [Tensor]) {
        let names = moduleNames
        precondition(
            values.count == 2 * names.count,
            "LoRAOverlay.setParameters: \(values.count) tensors for \(names.count) adapters (A and B each)")
        for (index, name) in names.enumerated() {
            guard var adapter = adapters[name] else { continue }
            let (down, up) = (values[2 * index], values[2 * index + 1])
            precondition(
                down.shape == adapter.down.shape && up.shape == adapter.up.shape,
                "LoRAOverlay.setParameters: \(name) needs A \(adapter.down.shape), B \(adapter.up.shape); "
                    + "got \(down.shape), \(up.shape)")
            adapter.down = down
            adapter.up = up
            adapters[name] = adapter
        }
    }

    /// A copy whose factors are differentiable leaves of `tape`.
    public func tracked(on tape: Tape) -> LoRAOverlay {
        var copy = self
        copy.setParameters(parameters.map { tape.variable($0) })
        return copy
    }

    /// The adapter of `module`, if any.
    func adapter(for module: String) -> LoRAAdapter? { adapters[module] }

    /// Checks that every adapter names one of `modules` and fits its shape (an overlay built in
    /// code rather than read from a file).
    ///
    /// - Throws: ``GeneratorError/invalidLoRA(file:key:reason:)`` with file "(in memory)".
    func check(against modules: [String: LinearShape]) throws {
        for name in moduleNames {
            guard let adapter = adapters[name] else { continue }
            guard let shape = modules[name] else {
                throw GeneratorError.invalidLoRA(
                    file: "(in memory)", key: name, reason: "the model has no linear layer of that name")
            }
            guard adapter.shape == shape else {
                throw GeneratorError.invalidLoRA(
                    file: "(in memory)", key: name,
                    reason: "A \(adapter.down.shape) and B \(adapter.up.shape) do not fit a layer of "
                        + "\(shape.inputs) → \(shape.outputs)")
            }
        }
    }
}
