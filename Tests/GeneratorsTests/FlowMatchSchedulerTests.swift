import Foundation
import Generators
import ModelIO
import TestSupport
import Testing

@Suite("Flow-match scheduler")
struct FlowMatchSchedulerTests {
    /// diffusers' sigmas and timesteps (scheduler.json: 4, 20 and 50 steps at 512² and 1024²).
    @Test func matchesDiffusersSchedules() throws {
        let fixture = try GeneratorFixtures.json("scheduler.json")
        let scheduler = try FlowMatchEulerScheduler(
            contentsOf: GeneratorFixtures.url("pipeline/scheduler/scheduler_config.json"))
        #expect(scheduler == FlowMatchEulerScheduler(.qwenImage))
        let cases = fixture["cases"] as! [[String: Any]]
        #expect(cases.count == 6)
        for entry in cases {
            let steps = entry["steps"] as! Int, length = entry["image_seq_len"] as! Int
            let sigmas = try scheduler.sigmas(steps: steps, imageSequenceLength: length)
            let expected = entry["sigmas"] as! [Double], expectedTimesteps = entry["timesteps"] as! [Double]
            #expect(abs(scheduler.mu(imageSequenceLength: length) - (entry["mu"] as! Double)) < 1e-12)
            #expect(sigmas.count == expected.count)
            #expect(zip(sigmas, expected).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(steps) steps, \(length) tokens")
            let timesteps = scheduler.timesteps(sigmas: sigmas)
            #expect(zip(timesteps, expectedTimesteps).allSatisfy { abs($0 - $1) <= 1e-6 * 1000 })
            #expect(abs(sigmas[steps - 1] - 0.02) < 1e-9 && sigmas[steps] == 0)
        }
    }

    @Test func staticShiftWithoutDynamicShifting() throws {
        var configuration = FlowMatchEulerScheduler.Configuration()
        configuration.shift = 3
        let sigmas = try FlowMatchEulerScheduler(configuration).sigmas(steps: 2, imageSequenceLength: 0)
        // linspace(1, 1/2, 2) = [1, 0.5]; 3σ/(1 + 2σ) = [1, 0.75].
        #expect(sigmas == [1, 0.75, 0])
    }

    @Test func rejectsUnknownKeysUnsupportedOptionsAndTooFewSteps() throws {
        let folder = try TemporaryDirectory(label: "scheduler")
        let file = folder.file("scheduler_config.json")

        try Data(#"{"num_train_timesteps": 1000, "shfit": 3.0}"#.utf8).write(to: file)
        #expect { try FlowMatchEulerScheduler(contentsOf: file) } throws: { "\($0)".contains("shfit") }

        try Data(#"{"use_karras_sigmas": true}"#.utf8).write(to: file)
        #expect { try FlowMatchEulerScheduler(contentsOf: file) } throws: { "\($0)".contains("use_karras_sigmas") }

        try Data(#"{"shift_terminal": 1.5}"#.utf8).write(to: file)
        #expect(throws: GeneratorError.invalidConfiguration(
            file: file.path(percentEncoded: false), key: "shift_terminal", reason: "must lie in (0, 1), found 1.5")) {
            try FlowMatchEulerScheduler(contentsOf: file)
        }

        #expect(throws: GeneratorError.invalidInput(name: "steps", expected: "at least 2", found: "1")) {
            try FlowMatchEulerScheduler(.qwenImage).sigmas(steps: 1, imageSequenceLength: 4096)
        }
    }
}
