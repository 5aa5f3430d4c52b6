import Foundation

// Losses used by editors and training: cross-entropy over token logits and KL divergence.

extension Tensor {
    /// Mean cross-entropy of `[N, V]` logits against `targets` (one class index per row); rows
    /// whose target is `ignoreIndex` are skipped (PyTorch `F.cross_entropy(..., ignore_index=)`).
    /// When every row is ignored the loss is 0 with zero gradient (PyTorch returns NaN).
    ///
    /// Gradient: (softmax(logits) − onehot(target)) / (number of counted rows), 0 on ignored rows.
    public func crossEntropy(targets: [Int], ignoreIndex: Int = -100) -> Tensor {
        precondition(rank == 2, "crossEntropy: logits must be [N, V], got \(shape)")
        let (rows, classes) = (shape[0], shape[1])
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows")
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && t < classes, "crossEntropy: target \(t) out of range 0..<\(classes)")
        }
        let logProbabilities = detached().logSoftmax()
        let counted = targets.filter { $0 != ignoreIndex }.count
        var total: Double = 0
        let lp = logProbabilities.storage.pointer
        for (row, t) in targets.enumerated() where t != ignoreIndex { total -= Double(lp[row * classes + t]) }
        let loss = Tensor(counted == 0 ? 0 : Float(total / Double(counted)))
        return Tensor.recorded(loss, inputs: [self]) { g, _ in
            let scale = counted == 0 ? 0 : g.item / Float(counted)
            var grad = logProbabilities.exp()
            grad.withUnsafeMutableBufferPointer { buffer in
                for (row, t) in targets.enumerated() {
                    if t == ignoreIndex {
                        for j in 0..<classes { buffer[row * classes + j] = 0 }
                    } else {
                        buffer[row * classes + t] -= 1
                        for j in 0..<classes { buffer[row * classes + j] *= scale }
                    }
                }
            }
            return [grad]
        }
    }

    /// KL(P‖Q) from log-probabilities, averaged over the first axis ("batchmean"):
    /// Σ exp(log P) ⊙ (log P − log Q) / N, where `self` is log Q and `targetLogProbabilities` is
    /// log P (PyTorch `F.kl_div(self, target, log_target=True, reduction="batchmean")`).
    ///
    /// Gradients: ∂/∂log Q = −P / N, ∂/∂log P = P ⊙ (log P − log Q + 1) / N.
    public func klDivergence(targetLogProbabilities target: Tensor) -> Tensor {
        precondition(shape == target.shape, "klDivergence: shapes \(shape) and \(target.shape) differ")
        let n = Float(Swift.max(shape.first ?? 1, 1))
        let p = target.detached().exp()
        let difference = target.detached() - detached()
        let loss = (p * difference).sum() * (1 / n)
        return Tensor.recorded(loss.detached(), inputs: [self, target]) { g, needs in
            let scale = g.item / n
            return [needs[0] ? p * (-scale) : nil, needs[1] ? p * (difference + 1) * scale : nil]
        }
    }
}
