import Foundation

/// NVRTC, CUDA's run-time compiler (nvrtc.h): CUDA C source → a cubin for one GPU architecture.
struct NVRTC: @unchecked Sendable {
    typealias Result = Int32
    typealias Program = OpaquePointer

    let library: DynamicLibrary
    let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Result
    let nvrtcGetErrorString: @convention(c) (Result) -> UnsafePointer<CChar>?
    let nvrtcCreateProgram: @convention(c) (
        UnsafeMutablePointer<Program?>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Int32,
        UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?
    ) -> Result
    let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<Program?>) -> Result
    let nvrtcCompileProgram: @convention(c) (Program?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    let nvrtcGetProgramLogSize: @convention(c) (Program?, UnsafeMutablePointer<Int>) -> Result
    let nvrtcGetProgramLog: @convention(c) (Program?, UnsafeMutablePointer<CChar>) -> Result
    let nvrtcGetCUBINSize: @convention(c) (Program?, UnsafeMutablePointer<Int>) -> Result
    let nvrtcGetCUBIN: @convention(c) (Program?, UnsafeMutablePointer<CChar>) -> Result

    init(_ library: DynamicLibrary) throws {
        self.library = library
        nvrtcVersion = try library.function("nvrtcVersion")
        nvrtcGetErrorString = try library.function("nvrtcGetErrorString")
        nvrtcCreateProgram = try library.function("nvrtcCreateProgram")
        nvrtcDestroyProgram = try library.function("nvrtcDestroyProgram")
        nvrtcCompileProgram = try library.function("nvrtcCompileProgram")
        nvrtcGetProgramLogSize = try library.function("nvrtcGetProgramLogSize")
        nvrtcGetProgramLog = try library.function("nvrtcGetProgramLog")
        nvrtcGetCUBINSize = try library.function("nvrtcGetCUBINSize")
        nvrtcGetCUBIN = try library.function("nvrtcGetCUBIN")
    }

    /// "major.minor" of the loaded NVRTC.
    var version: String {
        var major: Int32 = 0, minor: Int32 = 0
        return nvrtcVersion(&major, &minor) == 0 ? "\(major).\(minor)" : "unknown"
    }

    /// Compiles `source` for `sm_<capability>` and returns the cubin.
    /// - Throws: ``CUDAError/compilation(call:message:)`` with the first error line of the log.
    func compile(_ source: String, name: String, computeCapability: Int) throws -> [UInt8] {
        var program: Program?
        try check(nvrtcCreateProgram(&program, source, name, 0, nil, nil), "nvrtcCreateProgram")
        defer { _ = nvrtcDestroyProgram(&program) }
        let options = ["--gpu-architecture=sm_\(computeCapability)", "--std=c++17", "-default-device"]
        let status = withCStrings(options) { nvrtcCompileProgram(program, Int32(options.count), $0) }
        guard status == 0 else {
            let log = self.log(program)
            let firstError = log.split(separator: "\n").first { $0.contains("error") }.map(String.init)
            throw CUDAError.compilation(call: "nvrtcCompileProgram(\(name), sm_\(computeCapability))", message: firstError ?? errorString(status))
        }
        var size = 0
        try check(nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize")
        var cubin = [CChar](repeating: 0, count: max(size, 1))
        try check(nvrtcGetCUBIN(program, &cubin), "nvrtcGetCUBIN")
        return cubin.prefix(size).map { UInt8(bitPattern: $0) }
    }

    private func log(_ program: Program?) -> String {
        var size = 0
        guard nvrtcGetProgramLogSize(program, &size) == 0, size > 1 else { return "" }
        var text = [CChar](repeating: 0, count: size)
        guard nvrtcGetProgramLog(program, &text) == 0 else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func errorString(_ status: Result) -> String {
        nvrtcGetErrorString(status).map { String(cString: $0) } ?? "nvrtcResult \(status)"
    }

    private func check(_ status: Result, _ call: String) throws {
        guard status == 0 else { throw CUDAError.compilation(call: call, message: errorString(status)) }
    }
}

/// Calls `body` with a C array of C strings for `strings`, valid during the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers = copies.map { UnsafePointer($0) }
    return try body(&pointers)
}
