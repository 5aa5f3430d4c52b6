import Foundation
import Testing
import Tensors

/// Optimizers, gradient clipping and learning-rate schedules.
///
/// References: PyTorch was not used as a fixture source (its Linux wheel is 539 MB and does not
/// import without several GB of CUDA libraries). Instead each update is checked (a) against values
/// worked out by hand in the comments, and (b) over several steps against a Float64 transcription of
/// the PyTorch update (`torch/optim/sgd.py`, `adam.py`, `adamw.py`, single-tensor paths) written
/// element by element below, independent of the Float32 kernels' structure.
///
/// Tolerance for (b): parameters are O(1) and each Float32 step rounds a handful of times at
/// ε = 2⁻²³ ≈ 1.2e-7, so after 5 steps the Float32 result is within 1e-6·max(1, |p|) of Float64
/// (measured ≤ 1.5e-7).
@Suite("Optimizers, clipping and schedules")
struct OptimizerTests {
    // MARK: - Float64 references

    /// `torch.optim.SGD` in Float64.
    struct ReferenceSGD {
        let momentum, dampening, weightDecay: Double
        let nesterov: Bool
        var buffers: [[Double]]? = nil

        mutating func step(_ parameters: inout [[Double]], _ gradients: [[Double]], learningRate: Double) {
            let isFirst = buffers == nil
            if isFirst { buffers = gradients.map { [Double](repeating: 0, count: $0.count) } }
            for i in parameters.indices {
                for j in parameters[i].indices {
                    var d = gradients[i][j] + weightDecay * parameters[i][j]
                    if momentum != 0 {
                        let b = isFirst ? d : momentum * buffers![i][j] + (1 - dampening) * d
                        buffers![i][j] = b
                        d = nesterov ? d + momentum * b : b
                    }
                    parameters[i][j] -= learningRate * d
                }
            }
        }
    }

    /// `torch.optim.Adam` (decoupled = false) or `torch.optim.AdamW` (decoupled = true) in Float64.
    struct ReferenceAdam {
        let beta1, beta2, epsilon, weightDecay: Double
        let decoupled: Bool
        var m: [[Double]] = [], v: [[Double]] = []
        var t = 0

        mutating func step(_ parameters: inout [[Double]], _ gradients: [[Double]], learningRate lr: Double) {
            if m.isEmpty {
                m = gradients.map { [Double](repeating: 0, count: $0.count) }
                v = m
            }
            t += 1
            for i in parameters.indices {
                for j in parameters[i].indices {
                    if decoupled { parameters[i][j] *= 1 - lr * weightDecay }
                    let g = gradients[i][j] + (decoupled ? 0 : weightDecay * parameters[i][j])
                    m[i][j] = beta1 * m[i][j] + (1 - beta1) * g
                    v[i][j] = beta2 * v[i][j] + (1 - beta2) * g * g
                    let mHat = m[i][j] / (1 - pow(beta1, Double(t)))
                    let vHatRoot = (v[i][j] / (1 - pow(beta2, Double(t)))).squareRoot()
                    parameters[i][j] -= lr * mHat / (vHatRoot + epsilon)
                }
            }
        }
    }

    /// Runs `steps` updates of `optimizer` and of `reference` on the same seeded parameters and
    /// gradients (three tensors of different shapes) and returns the largest scaled difference
    /// |p₃₂ − p₆₄| / max(1, |p₆₄|).
    static func maxDeviation(
        _ optimizer: inout some Optimizer, steps: Int,
        reference: (inout [[Double]], [[Double]], Double) -> Void
    ) -> Double {
        var rng = RandomGenerator(seed: 11)
        let shapes = [[3, 4], [5], [2, 2, 2]]
        var parameters = shapes.map { rng.normal($0) }
        var referenceParameters = parameters.map { $0.scalars.map(Double.init) }
        for _ in 0..<steps {
            let gradients = shapes.map { rng.normal($0, standardDeviation: 0.5) }
            let learningRate = Double(optimizer.nextLearningRate)
            optimizer.step(parameters: &parameters, gradients: gradients)
            reference(&referenceParameters, gradients.map { $0.scalars.map(Double.init) }, learningRate)
        }
        var deviation = 0.0
        for (parameter, expected) in zip(parameters, referenceParameters) {
            for (value, reference) in zip(parameter.scalars, expected) {
                deviation = max(deviation, abs(Double(value) - reference) / max(1, abs(reference)))
            }
        }
        return deviation
    }

    static let tolerance = 1e-6

    // MARK: - SGD

    @Test("SGD by hand: plain, momentum, Nesterov, weight decay")
    func sgdByHand() {
        // p = 1, g = 0.5, η = 0.1.
        func run(_ optimizer: inout SGD, steps: Int) -> Float {
            var parameters = [Tensor(1)]
            for _ in 0..<steps { optimizer.step(parameters: &parameters, gradients: [Tensor(0.5)]) }
            return parameters[0].scalars[0]
        }
        var plain = SGD(schedule: .constant(0.1))
        let plainExpected: Float = 1 - 0.1 * 0.5
        #expect(run(&plain, steps: 1) == plainExpected)
        // Momentum 0.9: b₁ = 0.5, p₁ = 0.95; b₂ = 0.9·0.5 + 0.5 = 0.95, p₂ = 0.95 − 0.095 = 0.855.
        var momentum = SGD(schedule: .constant(0.1), momentum: 0.9)
        #expect(abs(run(&momentum, steps: 2) - 0.855) < 1e-7)
        // Nesterov: d + μ·b = 0.5 + 0.45 = 0.95 on the first step, p₁ = 0.905.
        var nesterov = SGD(schedule: .constant(0.1), momentum: 0.9, nesterov: true)
        #expect(abs(run(&nesterov, steps: 1) - 0.905) < 1e-7)
        // Weight decay 0.2: d = 0.5 + 0.2·1 = 0.7, p₁ = 0.93.
        var decay = SGD(schedule: .constant(0.1), weightDecay: 0.2)
        #expect(abs(run(&decay, steps: 1) - 0.93) < 1e-7)
    }

    @Test("SGD matches the Float64 PyTorch transcription over 5 steps",
          arguments: [
              (momentum: 0.0, dampening: 0.0, nesterov: false, decay: 0.0), (0.9, 0.0, false, 0.01),
              (0.9, 0.0, true, 0.0), (0.8, 0.3, false, 0.1),
          ])
    func sgdMatchesReference(configuration: (momentum: Double, dampening: Double, nesterov: Bool, decay: Double)) {
        var optimizer = SGD(
            schedule: .constant(0.05), momentum: Float(configuration.momentum),
            dampening: Float(configuration.dampening), nesterov: configuration.nesterov,
            weightDecay: Float(configuration.decay))
        var reference = ReferenceSGD(
            momentum: Double(Float(configuration.momentum)), dampening: Double(Float(configuration.dampening)),
            weightDecay: Double(Float(configuration.decay)), nesterov: configuration.nesterov)
        let deviation = Self.maxDeviation(&optimizer, steps: 5) { reference.step(&$0, $1, learningRate: $2) }
        #expect(deviation <= Self.tolerance)
        #expect(optimizer.stepCount == 5)
    }

    // MARK: - Adam and AdamW

    @Test("Adam's first step moves each weight by η·g/(|g| + ε)")
    func adamFirstStepByHand() {
        // m̂₁ = g and √v̂₁ = |g| after bias correction, so p₁ = p₀ − η·g/(|g| + ε).
        var adam = Adam(schedule: .constant(0.01))
        var parameters = [Tensor(shape: [3], scalars: [1, -2, 0.5])]
        adam.step(parameters: &parameters, gradients: [Tensor(shape: [3], scalars: [0.3, -4, 1e-9])])
        let expected: [Double] = [1 - 0.01, -2 + 0.01, 0.5 - 0.01 * 1e-9 / (1e-9 + 1e-8)]
        #expect(zip(parameters[0].scalars, expected).allSatisfy { abs(Double($0) - $1) < 1e-7 })
    }

    @Test("AdamW decays the weights before the Adam step; Adam adds the decay to the gradient")
    func weightDecayModes() {
        // p₀ = 2, g = 0, η = 0.1, λ = 0.5.
        // AdamW: p ← 2·(1 − 0.05) = 1.9, then m = v = 0, so the Adam step adds 0: p₁ = 1.9.
        // Adam:  d = 0 + 0.5·2 = 1, so p₁ = 2 − 0.1·1/(1 + 1e-8) ≈ 1.9 as well, through the moments.
        var adamW = AdamW(schedule: .constant(0.1), weightDecay: 0.5)
        var adam = Adam(schedule: .constant(0.1), weightDecay: 0.5)
        var decoupled = [Tensor(2)], coupled = [Tensor(2)]
        adamW.step(parameters: &decoupled, gradients: [Tensor(0)])
        adam.step(parameters: &coupled, gradients: [Tensor(0)])
        #expect(abs(decoupled[0].scalars[0] - 1.9) < 1e-7)
        #expect(abs(coupled[0].scalars[0] - 1.9) < 1e-7)
        // Second step, g = 0 again: AdamW's moments stay 0, so only the decay acts: 1.9·0.95 = 1.805.
        adamW.step(parameters: &decoupled, gradients: [Tensor(0)])
        #expect(abs(decoupled[0].scalars[0] - 1.805) < 1e-6)
    }

    @Test("Adam and AdamW match the Float64 PyTorch transcription over 5 steps",
          arguments: [false, true], [0.0, 0.5])
    func adamMatchesReference(decoupled: Bool, weightDecay: Double) {
        let schedule = WarmupCosineSchedule(peak: 0.01, warmupSteps: 2, totalSteps: 6, minimum: 0.001)
        var reference = ReferenceAdam(
            beta1: Double(Float(0.9)), beta2: Double(Float(0.999)), epsilon: Double(Float(1e-8)),
            weightDecay: Double(Float(weightDecay)), decoupled: decoupled)
        let deviation: Double
        if decoupled {
            var optimizer = AdamW(schedule: schedule, weightDecay: Float(weightDecay))
            deviation = Self.maxDeviation(&optimizer, steps: 5) { reference.step(&$0, $1, learningRate: $2) }
        } else {
            var optimizer = Adam(schedule: schedule, weightDecay: Float(weightDecay))
            deviation = Self.maxDeviation(&optimizer, steps: 5) { reference.step(&$0, $1, learningRate: $2) }
        }
        #expect(deviation <= Self.tolerance)
    }

    @Test("Adam minimises an ill-scaled quadratic")
    func adamMinimisesQuadratic() {
        // f(x) = ½ Σ aᵢ (xᵢ − cᵢ)², ∇f = a ⊙ (x − c), curvatures a spread over a factor of 100.
        var rng = RandomGenerator(seed: 5)
        let curvature = rng.uniform([20], low: 0.05, high: 5)
        let center = rng.normal([20])
        var parameters = [Tensor.zeros([20])]
        var adam = Adam(schedule: .warmupCosine(peak: 0.1, warmupSteps: 10, totalSteps: 600))
        func loss(_ x: Tensor) -> Float { (0.5 * curvature * (x - center) * (x - center)).sum().item }
        let initialLoss = loss(parameters[0])
        for _ in 0..<600 {
            adam.step(parameters: &parameters, gradients: [curvature * (parameters[0] - center)])
        }
        #expect(loss(parameters[0]) < 1e-6 * initialLoss)
        #expect(zip(parameters[0].scalars, center.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    // MARK: - Clipping

    @Test("clipping rescales to maxNorm / (N + 1e-6) and returns the norm before clipping")
    func clippingByHand() {
        // N = √(3² + 4² + 12²) = 13.
        var gradients = [Tensor(shape: [2], scalars: [3, 4]), Tensor(shape: [1, 1], scalars: [12])]
        let norm = clipGradientNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        let scale = 6.5 / (13 + 1e-6)
        let expected = [3 * scale, 4 * scale, 12 * scale]
        #expect(zip(gradients.flatMap(\.scalars), expected).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        #expect(gradients[1].shape == [1, 1])
    }

    @Test("gradients within the bound, zero or non-finite are left unchanged",
          arguments: [[0.3, -0.4], [0, 0], [Float.nan, 1], [Float.infinity, 1]])
    func clippingLeavesUnchanged(values: [Float]) {
        var gradients = [Tensor(shape: [2], scalars: values)]
        let norm = clipGradientNorm(&gradients, maxNorm: 1)
        let expectedNorm = values.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        #expect(norm.isNaN ? expectedNorm.isNaN : Double(norm) == Double(Float(expectedNorm)))
        #expect(gradients[0].scalars.elementsEqual(values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test("clipping large random gradients leaves the joint norm at maxNorm")
    func clippingRandom() {
        var rng = RandomGenerator(seed: 9)
        var gradients = [rng.normal([64, 33]), rng.normal([1000]), rng.normal([7])]
        let reference = gradients.flatMap(\.scalars).map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        let norm = clipGradientNorm(&gradients, maxNorm: 2)
        #expect(abs(Double(norm) - reference) <= 1e-6 * reference)
        let after = gradients.flatMap(\.scalars).map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        #expect(abs(after - 2) < 1e-5 && after <= 2 + 1e-6)
    }

    // MARK: - Schedules

    @Test("warmup-then-constant, warmup-then-linear and warmup-cosine at key steps")
    func scheduleValues() {
        let constant = WarmupConstantSchedule(peak: 1, warmupSteps: 4)
        #expect([0, 2, 4, 100].map(constant.learningRate(at:)) == [0, 0.5, 1, 1])
        #expect(WarmupConstantSchedule(peak: 0.3, warmupSteps: 0).learningRate(at: 0) == 0.3)

        // T − W = 8: s = 6 leaves (10 − 6)/8 = ½.
        let linear = WarmupLinearDecaySchedule(peak: 1, warmupSteps: 2, totalSteps: 10)
        #expect([1, 2, 6, 10, 12].map(linear.learningRate(at:)) == [0.5, 1, 0.5, 0, 0])

        // min + (peak − min)·½(1 + cos πp): p = 0 → 1; p = ½ → 0.55; p = ⅓ → 0.1 + 0.9·0.75 = 0.775.
        let cosine = WarmupCosineSchedule(peak: 1, warmupSteps: 10, totalSteps: 130, minimum: 0.1)
        let expected: [(step: Int, rate: Float)] = [
            (0, 0), (5, 0.5), (10, 1), (50, 0.775), (70, 0.55), (130, 0.1), (500, 0.1),
        ]
        for (step, rate) in expected { #expect(abs(cosine.learningRate(at: step) - rate) < 1e-6, "step \(step)") }
        #expect(ConstantSchedule(0.02).learningRate(at: 12_345) == 0.02)
    }

    @Test("an optimizer reads its schedule at every step, starting from step 0")
    func optimizerFollowsSchedule() {
        // Warmup over 2 steps with peak 1: rates 0, 0.5, 1. With g = 1 the parameter moves 0, 0.5, 1.
        var sgd = SGD(schedule: .warmupConstant(peak: 1, warmupSteps: 2))
        var parameters = [Tensor(0)]
        var rates: [Float] = [], trajectory: [Float] = []
        for _ in 0..<3 {
            rates.append(sgd.nextLearningRate)
            sgd.step(parameters: &parameters, gradients: [Tensor(1)])
            trajectory.append(parameters[0].scalars[0])
        }
        #expect(rates == [0, 0.5, 1] && trajectory == [0, -0.5, -1.5])
        #expect(sgd.stepCount == 3)
    }

    // MARK: - Misuse stops with a message

    @Test("mismatched gradients and hyperparameters out of range stop the program")
    func misuseStops() async {
        await #expect(processExitsWith: .failure) {
            var sgd = SGD(schedule: .constant(0.1))
            var parameters = [Tensor.zeros([2])]
            sgd.step(parameters: &parameters, gradients: [Tensor.zeros([3])])
        }
        await #expect(processExitsWith: .failure) {
            var adam = Adam(schedule: .constant(0.1))
            var parameters = [Tensor.zeros([2])]
            adam.step(parameters: &parameters, gradients: [])
        }
        await #expect(processExitsWith: .failure) {
            var adam = AdamW(schedule: .constant(0.1))
            var parameters = [Tensor.zeros([2])]
            adam.step(parameters: &parameters, gradients: [Tensor.zeros([2])])
            var other = [Tensor.zeros([5])]
            adam.step(parameters: &other, gradients: [Tensor.zeros([5])])
        }
        await #expect(processExitsWith: .failure) { _ = Adam(schedule: .constant(0.1), beta1: 1) }
        await #expect(processExitsWith: .failure) { _ = SGD(schedule: .constant(0.1), nesterov: true) }
        await #expect(processExitsWith: .failure) {
            _ = WarmupCosineSchedule(peak: 1, warmupSteps: 10, totalSteps: 5)
        }
    }
}
