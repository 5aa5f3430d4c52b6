import Testing
import TestSupport
@testable import Tensors

@Suite("Tape")
struct TapeTests {
    @Test("gradients of a parameter, an injected delta and an intermediate activation")
    func anyLeaf() {
        let tape = Tape()
        let w = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let delta = tape.variable(Tensor.zeros([2]))
        let hidden = w * 3 + delta            // intermediate
        let loss = (hidden * hidden).sum()   // Σ (3w + δ)²
        let grads = tape.gradients(of: loss, withRespectTo: [w, delta, hidden])
        #expect(grads[0].scalars == [18, 36])   // 2·(3w)·3
        #expect(grads[1].scalars == [6, 12])    // 2·(3w)
        #expect(grads[2].scalars == [6, 12])
    }

    @Test("constants record nothing; pausing stops recording")
    func noGradMode() {
        let tape = Tape()
        let constant = Tensor(shape: [3], scalars: [1, 2, 3])
        _ = (constant * 2).exp().sum()
        #expect(tape.recordCount == 0)
        let x = tape.variable(constant)
        _ = tape.pausingRecording { (x * 2).sum() }
        #expect(tape.recordCount == 0)
        _ = (x * 2).sum()
        #expect(tape.recordCount == 2)
    }

    @Test("records are freed by the walk unless retained")
    func memoryFreed() {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let loss = (x.exp() * x).sum()
        let once = tape.gradients(of: loss, withRespectTo: [x], retainGraph: true)
        let twice = tape.gradients(of: loss, withRespectTo: [x])
        #expect(once[0].scalars == twice[0].scalars)
        #expect(tape.recordCount == 0)
    }

    @Test("a target that does not influence the output gets zeros; unrelated records are skipped")
    func unrelatedTarget() {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let y = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
        let loss = (x * x).sum()
        _ = y.exp()
        let grads = tape.gradients(of: loss, withRespectTo: [x, y])
        #expect(grads[0].scalars == [2, 4])
        #expect(grads[1].scalars == [0, 0, 0])
    }

    @Test("a seed scales the backward pass of a non-scalar output")
    func seed() {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let y = x * x
        let grad = tape.gradients(of: y, withRespectTo: [x], seed: Tensor(shape: [2], scalars: [10, 100]))[0]
        #expect(grad.scalars == [20, 400])
    }

    @Test("the gradient check catches a wrong backward rule")
    func checkCanFail() {
        // y = 2x with a backward that claims 3: the check must report a large error.
        let report = GradientCheck.check([Tensor(shape: [3], scalars: [1, 2, 3])]) { inputs in
            Tensor.recorded(inputs[0].detached() * 2, inputs: [inputs[0]]) { g, _ in [g * 3] }
        }
        #expect(report.maxRelativeError > 0.4)
    }
}
