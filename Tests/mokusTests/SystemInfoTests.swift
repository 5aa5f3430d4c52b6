import Foundation
@testable import mokus
import Tensors
import Testing

@Suite("mokus info --system")
struct SystemInfoTests {
    @Test("rows name the cores, the OpenBLAS build, the kernel it runs with the decision, and CUDA")
    func rows() throws {
        let rows = Dictionary(uniqueKeysWithValues: SystemInfo.rows())
        #expect(rows["cores"] == "\(ProcessInfo.processInfo.activeProcessorCount)")
        #expect(rows["openblas_config"] == BLAS.configuration)
        let kernels = try #require(rows["openblas_kernels"])
        #expect(kernels.hasPrefix(BLAS.coreName + " ("), "\(kernels)")
        #expect(kernels == BLASKernelStartup.currentDecision().summary)
        let cuda = try #require(rows["cuda"])
        #expect(cuda.hasPrefix("unavailable: CUDA: ") || cuda.contains("compute capability"), "\(cuda)")
        #expect(try Mokus.Info.parse(["--system", "--json"]).system)
    }
}
