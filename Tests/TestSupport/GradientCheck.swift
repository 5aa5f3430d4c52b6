import Tensors

/// Finite-difference gradient checking for tape operations.
///
/// For a scalar function f of several tensors, compares the tape gradient of each input with
/// central differences (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h evaluated in Float32. The error measure is
/// max|analytic − numeric| / max(max|numeric|, floor): a relative error over the whole gradient,
/// robust to individual near-zero entries.
public enum GradientCheck {
    /// Result of one check: the worst relative error over all inputs.
    public struct Report: CustomStringConvertible, Sendable {
        public let maxRelativeError: Float
        public let worstInput: Int
        public var description: String { "max relative error \(maxRelativeError) (input \(worstInput))" }
    }

    /// Checks the gradients of `function` at `inputs`.
    ///
    /// - Parameters:
    ///   - inputs: the points to differentiate at.
    ///   - differentiable: which inputs to check (default: all).
    ///   - step: h, the finite-difference step.
    ///   - function: maps tracked inputs to any tensor; it is reduced to a scalar with fixed random
    ///     weights so every output element contributes.
    public static func check(
        _ inputs: [Tensor], differentiable: [Bool]? = nil, step: Float = 1e-2,
        seed: UInt64 = 7, _ function: ([Tensor]) -> Tensor
    ) -> Report {
        let wanted = differentiable ?? inputs.map { _ in true }
        let probe = function(inputs)
        var rng = RandomGenerator(seed: seed)
        let weights = rng.normal(probe.shape)
        func scalar(_ values: [Tensor]) -> Tensor { (function(values) * weights).sum() }

        let tape = Tape()
        let tracked = inputs.enumerated().map { wanted[$0.offset] ? tape.variable($0.element) : $0.element }
        let loss = scalar(tracked)
        let targets = tracked.enumerated().filter { wanted[$0.offset] }.map(\.element)
        let analytic = tape.gradients(of: loss, withRespectTo: targets)

        var worst: Float = 0, worstInput = 0
        var analyticIndex = 0
        for (index, input) in inputs.enumerated() where wanted[index] {
            let gradient = analytic[analyticIndex].scalars
            analyticIndex += 1
            var numeric = [Float](repeating: 0, count: input.count)
            for i in 0..<input.count {
                var plus = inputs, minus = inputs
                plus[index] = input.perturbed(at: i, by: step)
                minus[index] = input.perturbed(at: i, by: -step)
                numeric[i] = (scalar(plus).item - scalar(minus).item) / (2 * step)
            }
            let scale = Swift.max(numeric.map(abs).max() ?? 0, 1e-3)
            let error = zip(gradient, numeric).map { abs($0 - $1) }.max() ?? 0
            if error / scale > worst { worst = error / scale; worstInput = index }
        }
        return Report(maxRelativeError: worst, worstInput: worstInput)
    }
}

extension Tensor {
    /// A copy with element `index` moved by `delta`.
    func perturbed(at index: Int, by delta: Float) -> Tensor {
        var copy = self.detached()
        copy.withUnsafeMutableBufferPointer { $0[index] += delta }
        return copy
    }
}
