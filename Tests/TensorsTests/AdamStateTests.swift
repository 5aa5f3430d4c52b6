import Tensors
import Testing

/// ``AdamState`` export and restore: an optimizer rebuilt from a saved state continues bit for bit.
@Suite("Adam state export and restore")
struct AdamStateTests {
    @Test("restoring the state after 3 steps gives the same 6-step result as 6 uninterrupted steps")
    func restoreContinuesExactly() {
        var rng = RandomGenerator(seed: 2)
        let gradients = (0..<6).map { _ in [rng.normal([3, 2]), rng.normal([4])] }
        let start = [rng.normal([3, 2]), rng.normal([4])]
        let schedule = WarmupCosineSchedule(peak: 0.1, warmupSteps: 2, totalSteps: 6)

        var straight = AdamW(schedule: schedule, weightDecay: 0.1)
        var straightParameters = start
        #expect(straight.state == AdamState(stepCount: 0, firstMoments: [], secondMoments: []))
        for g in gradients { straight.step(parameters: &straightParameters, gradients: g) }

        var first = AdamW(schedule: schedule, weightDecay: 0.1)
        var parameters = start
        for g in gradients.prefix(3) { first.step(parameters: &parameters, gradients: g) }
        let saved = first.state
        #expect(saved.stepCount == 3 && saved.isConsistent && saved.firstMoments.map(\.count) == [6, 4])
        var resumed = AdamW(schedule: schedule, weightDecay: 0.1)
        resumed.restore(saved)
        #expect(resumed.stepCount == 3 && resumed.nextLearningRate == first.nextLearningRate)
        for g in gradients.suffix(3) { resumed.step(parameters: &parameters, gradients: g) }
        #expect(
            parameters.map { $0.scalars.map(\.bitPattern) } == straightParameters.map { $0.scalars.map(\.bitPattern) })
        #expect(resumed.state == straight.state)
    }

    @Test("consistency: moment lists of different lengths or sizes are rejected")
    func consistency() {
        #expect(!AdamState(stepCount: 1, firstMoments: [[0]], secondMoments: []).isConsistent)
        #expect(!AdamState(stepCount: 1, firstMoments: [[0]], secondMoments: [[0, 0]]).isConsistent)
        #expect(!AdamState(stepCount: -1, firstMoments: [], secondMoments: []).isConsistent)
    }
}
