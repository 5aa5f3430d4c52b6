import ArgumentParser
import Foundation
import Testing

@testable import mokus

/// `--device cpu|cuda[:N]` and `MOKUS_DEVICE` (DeviceOptions), and the typed error of `cuda` on a
/// machine without a usable GPU.
@Suite("--device")
struct DeviceOptionsTests {
    /// Whether this machine has no usable GPU (what `mokus info --system` reports).
    static let noCUDA = SystemInfo.rows().first { $0.0 == "cuda" }?.1.hasPrefix("unavailable") ?? true

    @Test("cpu, cuda and cuda:N parse; --device wins over MOKUS_DEVICE, which wins over the CPU default")
    func choice() throws {
        #expect(try DeviceOptions.parse([]).choice(environment: [:]) == .cpu)
        #expect(try DeviceOptions.parse(["--device", "cuda:1"]).choice(environment: [:]) == .cuda(ordinal: 1))
        #expect(try DeviceOptions.parse([]).choice(environment: ["MOKUS_DEVICE": "cuda"]) == .cuda(ordinal: 0))
        #expect(try DeviceOptions.parse(["--device", "cpu"]).choice(environment: ["MOKUS_DEVICE": "cuda"]) == .cpu)
    }

    @Test("a value that is not a device is refused, as an option and in MOKUS_DEVICE")
    func badValues() {
        for value in ["gpu", "cuda:-1", "cuda:x"] {
            #expect(throws: (any Error).self) { try DeviceOptions.parse(["--device", value]) }
        }
        #expect(throws: ValidationError.self) { try DeviceOptions.parse([]).choice(environment: ["MOKUS_DEVICE": "tpu"]) }
    }

    @Test("--device cuda without a GPU stops encode and complete with the one-line CUDA error before loading the model",
          .enabled(if: noCUDA))
    func noGPU() {
        let commands: [() throws -> Void] = [
            { try Mokus.Encode.parse(["--model", "/nonexistent", "--text", "a", "--device", "cuda"]).run() },
            { try Mokus.Complete.parse(["--model", "/nonexistent", "--prompt", "a", "--device", "cuda"]).run() },
        ]
        for command in commands {
            do {
                try command()
                Issue.record("--device cuda ran without a GPU")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix("CUDA: ") && !message.contains("\n") && !message.contains("nonexistent"), "\(message)")
            }
        }
    }
}
