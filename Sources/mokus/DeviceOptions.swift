import ArgumentParser
import CUDA
import Foundation
import Tensors

/// `--device cpu|cuda[:N]`: where tensors compute. The default comes from `MOKUS_DEVICE`, else
/// the CPU. `cuda` installs a ``CUDA/CUDABackend`` as the process's ``Tensors/Backend`` before any
/// work; on a machine without a usable GPU that is the one-line `CUDAError` (library not found,
/// no device), not a silent CPU run.
struct DeviceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Where tensors compute: cpu, or cuda / cuda:N for an NVIDIA GPU (default: $MOKUS_DEVICE, else cpu).",
        valueName: "device"))
    var device: DeviceChoice?

    /// The choice: `--device`, else `MOKUS_DEVICE`, else the CPU.
    /// - Throws: `ValidationError` for a `MOKUS_DEVICE` that is not a device.
    func choice(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeviceChoice {
        if let device { return device }
        guard let value = environment["MOKUS_DEVICE"], !value.isEmpty else { return .cpu }
        guard let parsed = DeviceChoice(argument: value) else {
            throw ValidationError("MOKUS_DEVICE: expected cpu, cuda or cuda:N, found \"\(value)\"")
        }
        return parsed
    }

    /// Installs the chosen backend for this process (nothing for the CPU).
    /// - Throws: `CUDAError` when the GPU cannot be opened.
    func apply() throws {
        switch try choice() {
        case .cpu: Backend.install(nil)
        case .cuda(let ordinal): Backend.install(CUDABackend(device: try CUDADevice(ordinal: ordinal)))
        }
    }
}

/// `cpu`, `cuda` (device 0) or `cuda:N`.
enum DeviceChoice: ExpressibleByArgument, Equatable {
    case cpu
    case cuda(ordinal: Int)

    init?(argument: String) {
        switch argument.lowercased() {
        case "cpu": self = .cpu
        case "cuda": self = .cuda(ordinal: 0)
        case let text where text.hasPrefix("cuda:"):
            guard let ordinal = Int(text.dropFirst(5)), ordinal >= 0 else { return nil }
            self = .cuda(ordinal: ordinal)
        default: return nil
        }
    }
}
