import Foundation

/// Name, compute capability and memory of a GPU, as the driver reports them.
public struct CUDADeviceProperties: Sendable, Equatable, CustomStringConvertible {
    public let ordinal: Int
    public let name: String
    /// Compute capability as major·10 + minor (90 for an H100).
    public let computeCapability: Int
    public let multiprocessors: Int
    public let totalMemoryBytes: Int
    /// The driver's CUDA version as major·1000 + minor·10 (13000 for CUDA 13.0).
    public let driverVersion: Int

    public var description: String {
        let gib = Double(totalMemoryBytes) / Double(1 << 30)
        return "\(name), compute capability \(computeCapability / 10).\(computeCapability % 10), "
            + "\(multiprocessors) SMs, \(String(format: "%.1f", gib)) GiB, driver CUDA \(driverVersion / 1000).\(driverVersion % 1000 / 10)"
    }
}

/// Loading the driver once per process and asking it about devices.
public enum CUDARuntime {
    /// The driver, loaded and initialised once; the error, once, if it cannot be.
    private static let loaded = Result<DriverAPI, any Error> {
        let driver = try DriverAPI(DynamicLibrary.open(.driver))
        try driver.check(driver.cuInit(0), "cuInit")
        return driver
    }

    static func driver() throws -> DriverAPI { try loaded.get() }

    /// The properties of every GPU the driver sees.
    /// - Throws: ``CUDAError`` when the driver is missing or fails, ``CUDAError/noDevice`` when
    ///   it sees none.
    public static func devices() throws -> [CUDADeviceProperties] {
        let driver = try driver()
        var count: Int32 = 0
        try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard count > 0 else { throw CUDAError.noDevice }
        return try (0..<Int(count)).map { try device($0, driver: driver).1 }
    }

    static func device(_ ordinal: Int, driver: DriverAPI) throws -> (Int32, CUDADeviceProperties) {
        var count: Int32 = 0
        try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard ordinal < count else { throw count == 0 ? CUDAError.noDevice : CUDAError.driver(call: "cuDeviceGet(\(ordinal))", code: 101, name: "CUDA_ERROR_INVALID_DEVICE") }
        var device: Int32 = 0
        try driver.check(driver.cuDeviceGet(&device, Int32(ordinal)), "cuDeviceGet")
        var name = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&name, 256, device), "cuDeviceGetName")
        var memory = 0
        try driver.check(driver.cuDeviceTotalMem(&memory, device), "cuDeviceTotalMem_v2")
        func attribute(_ id: Int32) throws -> Int {
            var value: Int32 = 0
            try driver.check(driver.cuDeviceGetAttribute(&value, id, device), "cuDeviceGetAttribute(\(id))")
            return Int(value)
        }
        var version: Int32 = 0
        try driver.check(driver.cuDriverGetVersion(&version), "cuDriverGetVersion")
        let properties = CUDADeviceProperties(
            ordinal: ordinal, name: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            computeCapability: try attribute(DriverAPI.computeCapabilityMajor) * 10 + attribute(DriverAPI.computeCapabilityMinor),
            multiprocessors: try attribute(DriverAPI.multiprocessorCount), totalMemoryBytes: memory, driverVersion: Int(version))
        return (device, properties)
    }

    /// One line for `mokus info --system`: the first GPU's properties, or why CUDA is not usable.
    public static func availability() -> String {
        do {
            let devices = try devices()
            return devices.map(\.description).joined(separator: "; ")
        } catch {
            return "unavailable: \(error)"
        }
    }
}
