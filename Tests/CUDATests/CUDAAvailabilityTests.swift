@testable import CUDA
import Tensors
import Testing

/// Whether this machine has a usable GPU (the driver loads and sees a device).
let gpuPresent = (try? CUDARuntime.devices()).map { !$0.isEmpty } ?? false

@Suite("CUDA availability and errors")
struct CUDAAvailabilityTests {
    @Test("without a GPU, opening a device throws one line and availability says why", .enabled(if: !gpuPresent))
    func absent() {
        #expect(CUDARuntime.availability().hasPrefix("unavailable: CUDA: "))
        #expect {
            _ = try CUDADevice()
        } throws: { error in
            error is CUDAError && !"\(error)".contains("\n")
        }
    }

    @Test("the CPU backend is unchanged by the CUDA module being loaded")
    func cpuUnchanged() {
        _ = CUDARuntime.availability()
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(x.matmul(x).scalars == [7, 10, 15, 22])
    }

    @Test("driver, cuBLAS and dtype errors name the call and the result")
    func errorText() {
        #expect("\(CUDAError.driver(call: "cuMemAlloc_v2(1024 bytes)", code: 2, name: "CUDA_ERROR_OUT_OF_MEMORY"))"
            == "CUDA: cuMemAlloc_v2(1024 bytes) failed with CUDA_ERROR_OUT_OF_MEMORY (2)")
        #expect("\(CUDAError.cublas(call: "cublasGemmEx", status: 7))" == "CUDA: cublasGemmEx failed with CUBLAS_STATUS_INVALID_VALUE (7)")
        #expect("\(CUDAError.unsupportedDType(operation: "softmax", expected: "F32", found: "BF16"))" == "CUDA: softmax takes F32 tensors, found BF16")
    }

    @Test("allocator size classes: 512-byte steps below 1 MiB, 2 MiB steps above")
    func sizeClasses() {
        #expect(CachingAllocator.sizeClass(0) == 512)
        #expect(CachingAllocator.sizeClass(1) == 512)
        #expect(CachingAllocator.sizeClass(513) == 1024)
        #expect(CachingAllocator.sizeClass((1 << 20) - 1) == 1 << 20)
        #expect(CachingAllocator.sizeClass(1 << 20) == 2 << 20)
        #expect(CachingAllocator.sizeClass((2 << 20) + 1) == 4 << 20)
    }

    @Test("every kernel the module looks up is defined in the source")
    func kernelNames() {
        for name in KernelSource.names {
            #expect(KernelSource.source.contains("extern \"C\" __global__ void \(name)("), "\(name)")
        }
    }

    @Test("parity error: max-norm relative, NaN where the CPU has none and shape mismatches fail")
    func parityMeasure() {
        let cpu = Tensor(shape: [3], scalars: [1, -4, 2])
        #expect(ParityResult(name: "a", gpu: Tensor(shape: [3], scalars: [1, -4, 2.5]), cpu: cpu, tolerance: 0.125).error == 0.125)
        #expect(!ParityResult(name: "b", gpu: Tensor(shape: [3], scalars: [1, .nan, 2]), cpu: cpu, tolerance: 1).passed)
        #expect(!ParityResult(name: "c", gpu: Tensor(shape: [1, 3], scalars: [1, -4, 2]), cpu: cpu, tolerance: 1).passed)
        #expect(ParityResult(name: "d", gpu: cpu, cpu: cpu, tolerance: 0).passed)
    }
}

@Suite("CUDA parity with the CPU backend (GPU only)", .enabled(if: gpuPresent))
struct CUDAParityTests {
    @Test("every kernel within its documented tolerance")
    func parity() throws {
        let device = try CUDADevice()
        let results = try ParitySuite.run(on: device)
        #expect(results.count > 40)
        for result in results { #expect(result.passed, "\(result)") }
    }

    @Test("the caching allocator reuses freed blocks and empties its cache")
    func allocator() throws {
        let device = try CUDADevice()
        device.allocator.emptyCache()
        let before = device.allocator.statistics
        do { _ = try device.empty([1 << 20]) }
        let reused = try device.empty([1 << 20])
        let after = device.allocator.statistics
        #expect(after.cacheHits == before.cacheHits + 1)
        #expect(after.bytesInUse == before.bytesInUse + (4 << 20))
        withExtendedLifetime(reused) {}
        device.allocator.emptyCache()
        #expect(device.allocator.statistics.bytesCached == 0)
    }
}
